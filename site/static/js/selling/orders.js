/* Order intents, the confirmation card and the order board (uses window.ChoDemLive). */
