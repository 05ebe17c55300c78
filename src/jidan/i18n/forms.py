"""Printable forms (web/printing.py): the letterhead, page numbers, the fields every form shares."""

TEXTS = {
    "print.back": ("← 返回", "← Back"),
    "print.print": ("打印", "Print"),
    "print.pdf": ("下载 PDF", "Download PDF"),
    "print.doc_no": ("单据编号", "Document no."),
    "print.phone": ("电话", "Tel."),
    # "第 x 页 / 共 y 页": the page counters go between these (CSS paged media)
    "print.page_before": ("第 ", "Page "),
    "print.page_middle": (" 页 / 共 ", " of "),
    "print.page_after": (" 页", ""),
    "print.delivery_address": ("收货地址", "Delivery address"),
    "print.delivery_contact": ("收货联系人", "Contact"),
    "print.delivery_phone": ("联系电话", "Telephone"),
    "print.err.print.busy": ("正在生成的 PDF 较多，请几秒后再试", "Many PDFs are being made; try again in a few seconds"),
}
