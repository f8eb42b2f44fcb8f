"""StreamField blocks shared by the public pages (bakerydemo style).

One ``BaseStreamBlock`` holds every block an editor may place in the body of a
StandardPage or a NewsPage, so both kinds of page look and behave alike and a new
block is added in one place. Each block names its own template under
``site/templates/cms/blocks/`` and an admin icon.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import (
    CharBlock,
    ChoiceBlock,
    PageChooserBlock,
    RichTextBlock,
    StreamBlock,
    StructBlock,
    StructValue,
    TextBlock,
    URLBlock,
)
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

#: Rich-text features for paragraphs: enough for news, nothing that breaks the layout.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class HeadingBlock(StructBlock):
    """A section heading; h2 by default so the page keeps one h1 (its title)."""

    heading_text = CharBlock(label=_("Tiêu đề"), classname="title", required=True, max_length=200)
    size = ChoiceBlock(
        label=_("Cỡ"),
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")],
        default="h2",
        required=False,
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading_block.html"
        label = _("Tiêu đề mục")


class CaptionedImageBlock(StructBlock):
    """An image with the caption and credit people expect under a news photo."""

    image = ImageChooserBlock(label=_("Ảnh"), required=True)
    caption = CharBlock(label=_("Chú thích"), required=False, max_length=250)
    attribution = CharBlock(label=_("Nguồn ảnh"), required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "cms/blocks/image_block.html"
        label = _("Ảnh có chú thích")


class BlockQuote(StructBlock):
    """A quotation from a producer, a buyer or an organizer."""

    text = TextBlock(label=_("Trích dẫn"))
    attribute_name = CharBlock(label=_("Người nói"), blank=True, required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/blockquote.html"
        label = _("Trích dẫn")


class CallToActionValue(StructValue):
    def url(self):
        page = self.get("page")
        if page is not None and page.live:
            return page.url
        return self.get("external_url") or ""


class CallToActionBlock(StructBlock):
    """A highlighted box with one button: "Đăng ký ngay", "Xem lịch phiên chợ"…

    The button points to a page of the site (kept valid when the page moves) or to a
    URL; exactly one of the two is required.
    """

    title = CharBlock(label=_("Tiêu đề"), max_length=150)
    text = TextBlock(label=_("Nội dung"), required=False)
    button_label = CharBlock(label=_("Nhãn nút"), max_length=60)
    page = PageChooserBlock(label=_("Trang đích"), required=False)
    external_url = URLBlock(label=_("Hoặc đường dẫn"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("external_url")):
            message = _("Chọn một trang đích hoặc nhập một đường dẫn (chỉ một trong hai).")
            raise StructBlockValidationError(block_errors={"page": ValidationError(message)})
        return value

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action_block.html"
        label = _("Lời kêu gọi hành động")
        value_class = CallToActionValue


class VideoEmbedBlock(EmbedBlock):
    """YouTube or Facebook video, rendered by the offline finder (no network look-up)."""

    class Meta:
        icon = "media"
        template = "cms/blocks/embed_block.html"
        label = _("Video nhúng")
        help_text = _("Dán đường dẫn video YouTube hoặc Facebook.")


class BaseStreamBlock(StreamBlock):
    """The body of StandardPage and NewsPage."""

    heading_block = HeadingBlock()
    paragraph_block = RichTextBlock(
        features=PARAGRAPH_FEATURES, icon="pilcrow", template="cms/blocks/paragraph_block.html", label=_("Đoạn văn")
    )
    image_block = CaptionedImageBlock()
    block_quote = BlockQuote()
    embed_block = VideoEmbedBlock()
    call_to_action = CallToActionBlock()
