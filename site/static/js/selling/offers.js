/* Products on show and flash sales in the room (uses window.ChoDemLive from js/live/room.js). */
