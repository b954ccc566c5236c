"""Every fixed sentence and label the UI shows, in one place (the assistant's own are in assistant/prompts.py)."""

from __future__ import annotations

TITLE = "planqa · 政策文件问答"
INTRO = (
    "### planqa · 政策文件问答\n依据已收录的政策文件回答问题：谁负责哪项任务、文件作了哪些规定。每个回答都附有出处，点开即可核对条款原文。"
)

# Chat
QUESTION_LABEL = "问题"
QUESTION_PLACEHOLDER = "例如：谁负责随迁子女教育？（按 Enter 发送，最多 {limit} 字）"
SEND = "发送"
COPY = "复制回答"
CLEAR = "清空对话"
CHAT_LABEL = "对话"
EXAMPLES_OFFICIALS = "公务员常问"
EXAMPLES_CITIZENS = "市民常问"
EXAMPLE_QUESTIONS_OFFICIALS = (
    "谁负责随迁子女教育？",
    "人社局负责哪些任务？",
    "户籍制度改革由哪些部门负责？",
    "方案的总体要求是什么？",
)
EXAMPLE_QUESTIONS_CITIZENS = (
    "随迁子女可以在格尔木上公办学校吗？",
    "农民工在城里可以参加社会保险吗？",
    "进城落户有什么条件？",
    "外地人可以申请保障性住房吗？",
)
THINKING = "正在查找相关条款…"
ERROR_MESSAGE = "抱歉，处理这个问题时出现内部错误，已记录在服务器日志中。请稍后再试，或换一种问法。"
REFUSAL_LABEL = "未找到依据"
SOURCES_LABEL = "依据"
PARENTS_LABEL = "上级依据"  # the parent clauses a cited clause implements, shown beside it
QUESTION_CUT = "…"

# Feedback
FEEDBACK_LABEL = "评价"
FEEDBACK_HINT = "点回答下方的“赞”或“踩”图标即可评价；如愿意，可在下面补充说明（只记录问题、回答和意见，不记录您的任何信息）。"
COMMENT_LABEL = "补充说明（可选）"
COMMENT_PLACEHOLDER = "哪里有用，哪里不准确？"
COMMENT_SEND = "提交意见"
FEEDBACK_THANKS = "已记录您的评价，谢谢！"
FEEDBACK_COMMENT_THANKS = "已记录您的意见，谢谢！"
FEEDBACK_NOTHING = "还没有可以评价的回答。"
FEEDBACK_EMPTY_COMMENT = "请先写下意见。"
FEEDBACK_RETRACTED = "已撤销评价。"
FEEDBACK_FAILED = "评价未能保存，请稍后再试。"

# Departments
DEPARTMENTS_TAB = "分工查询"
DEPARTMENT_LABEL = "部门全称或简称"
DEPARTMENT_PLACEHOLDER = "例如：人社局、发改委、市教育局"
DEPARTMENT_SEARCH = "查询"
DEPARTMENT_EXAMPLES = ("人社局", "发改委", "教育局", "住建局", "农牧局")
DEPARTMENT_EXAMPLES_LABEL = "常用简称"
# The department messages are HTML; what is put into them is escaped first.
DEPARTMENT_FOUND = "<b>{unit}</b> 在 <b>{count}</b> 项任务中被列为责任单位。"
EXPORT_FAILED = "<br>下载文件未能生成：{reason}。"
DISK_FULL = "服务器磁盘空间已满"
WRITE_FAILED = "服务器无法写入文件（{reason}）"
DEPARTMENT_NONE = "<b>{unit}</b> 没有被列为任何条款的责任单位。"
DEPARTMENT_UNKNOWN = "没有找到名为「{query}」的部门。"
DEPARTMENT_SUGGEST = "您是不是要找：{names}？"
DEPARTMENT_EMPTY = "请输入部门名称或简称。"
CLAUSES_LABEL = "该部门的任务"
MATRIX_HEAD = "#### 责任矩阵（部门 × 条款）\n● 表示该条款列该部门为责任单位；“牵头”“配合”按原文标注。"
MATRIX_LABEL = "责任矩阵"
DOWNLOAD_CSV = "下载 CSV"
DOWNLOAD_XLSX = "下载 Excel"
MATRIX_STEM = "责任矩阵"
CLAUSES_STEM = "分工-{unit}"

# Documents
DOCUMENTS_TAB = "文件"
OUTLINE_HEAD = "#### 方案结构\n点开条款可看原文和责任单位。"
CORPUS_HEAD = "#### 已收录的文件"
CHAT_TAB = "问答"

SCOPE_LABEL = "检索范围"
SCOPE_ALL = "全部文件"
SCOPE_MISSING = "（未收录正文）"
