"""Words of the changeover pages (换线时间, issue 25): product families and each work center's
matrix of changeover minutes by family pair."""
from __future__ import annotations

TEXTS = {
    "setups.nav": ("换线时间", "Changeovers"),
    "setups.title": ("换线时间与产品族", "Changeovers and product families"),
    "setups.intro": ("产品族相同的产品在同一条线上连续生产无需换线；不同产品族之间的换线分钟数按工作中心维护，"
                     "排程时计入，并尽量把同族产品排在一起。工序上的“准备时间”仍是每条订单行该工序固定的一次准备。",
                     "Products of one family run one after another on a line without a changeover; the minutes "
                     "between families are kept per work center, and planning counts them and keeps families "
                     "together where it pays. A routing step's set-up minutes stay its fixed set-up, once per order line."),
    "setups.work_centers": ("工作中心", "Work centers"),
    "setups.work_center": ("工作中心", "Work center"),
    "setups.department": ("车间", "Department"),
    "setups.pairs": ("换线组合", "Family pairs"),
    "setups.pairs_n": ("{n} 组", "{n} pairs"),
    "setups.none": ("未设置", "None set"),
    "setups.open": ("查看 / 编辑", "View / edit"),
    "setups.products": ("产品的产品族", "Products' families"),
    "setups.product": ("产品", "Product"),
    "setups.family": ("产品族", "Family"),
    "setups.no_family": ("无", "None"),
    "setups.save_family": ("保存", "Save"),
    "setups.family_saved": ("产品族已保存", "The family was saved"),
    "setups.grid_title": ("{code} 的换线时间", "Changeovers of {code}"),
    "setups.grid_intro": ("行是换线前的产品族，列是换线后的产品族；格中填分钟数（0–{max}），空格表示无需换线。",
                          "Rows are the family before, columns the family after; fill in minutes (0–{max}), "
                          "a blank cell takes no changeover."),
    "setups.from_to": ("从 ＼ 到", "From \\ to"),
    "setups.version": ("版本 {n}", "Version {n}"),
    "setups.save": ("保存换线时间", "Save the changeovers"),
    "setups.saved": ("换线时间已保存，下一次排程生效", "The changeovers were saved; the next plan uses them"),
    "setups.imported": ("已从表格导入换线时间", "The changeovers were imported from the sheet"),
    "setups.stale": ("换线时间已被他人修改，请刷新后重试", "Someone changed these changeovers meanwhile; reload and try again"),
    "setups.add_family": ("增加产品族", "Add a family"),
    "setups.add": ("增加", "Add"),
    "setups.no_families": ("还没有产品族：先给产品设置产品族，或在此增加。",
                           "No families yet: give products their families first, or add one here."),
    "setups.export": ("导出 Excel", "Export to Excel"),
    "setups.import": ("从 Excel 导入（整表替换）", "Import from Excel (replaces the whole matrix)"),
    "setups.import_hint": ("与导出的表格相同的三列（换线前产品族、换线后产品族、分钟），每行一组。",
                           "The export's three columns (family before, family after, minutes), one pair a row."),
    "setups.system": ("系统", "the system"),
    "setups.import_go": ("导入", "Import"),
    "setups.history": ("修改记录", "Changes"),
    "setups.history_line": ("{at} {by} 保存了 {n} 组", "{at} {by} saved {n} pairs"),
    "setups.no_history": ("尚无修改", "No changes yet"),
    "setups.field": ("{field}（第 {row} 行）", "{field} (row {row})"),
    "setups.back": ("返回换线时间", "Back to changeovers"),
    # field error codes of a matrix (error.<code>)
    "setups.err.setups.invalid": ("换线时间有误，请检查标出的格子", "Some changeovers are not valid; see the marked cells"),
    "setups.err.duplicate_pair": ("同一组产品族重复出现", "This family pair is listed twice"),
    "setups.err.not_whole": ("请输入整数分钟", "Enter whole minutes"),
}
