"""问卷星 (wjx) OpenAPI pull: a survey's answers as text rows, like a sheet's (header + rows).

Documented (问卷星开放文档, https://www.showdoc.com.cn/wjxopenapi): 接口规范 (page 7510125105467459),
2.1.1 获取问卷内容 [1000001] (7556919558404006), 2.2.2 答卷查询 [1001002] (7581706808197633).
Every call is POST {origin}/openapi/default.aspx?traceid=…&action=… with a JSON body holding
appid, ts (Unix seconds; the server refuses a ts older than 30 s, so every attempt is signed
afresh), encode=sha1, action, the call's own parameters and sign. 1001002 pages with page_index
(from 1) and page_size (at most 50). WJX_API_URL overrides the origin https://www.wjx.cn (on
loopback no credentials are needed); WJX_APPID and WJX_APPKEY come from the environment only.

Signature, as the vendor's own SDK computes it (github.com/wjxcom/wjx-ai-kit,
wjx-mcp-server/src/core/sign.ts): every parameter but sign, traceid included, sorted by name;
their non-empty values as text (JavaScript's: true/false) joined with nothing; the appkey
appended; SHA-1 as lower-case hex. traceid is sent in the URL only. One function: `sign`.

ASSUMED, not in the documents we could read (change `questions` and `answer_cells` if the real
answers differ): 1000001 answers {"result": true, "data": {"questions": [{"q_index", "q_type",
"q_title", "items": [{"item_index", "item_title"}]}]}}; 1001002 answers {"result": true, "data":
{"total_count", "answers": [...]}} where each answer has the data-push shape the documents point
to: "index", "submittime" and one "q{N}" key per question, a choice given as its option number
(several joined with "|") and a fill-in text after "^"."""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import requests

from . import retry
from .errors import IntakeError
from .retry import DEFAULT_POLICY, RetryPolicy, is_loopback
from .sources import Row, Table

ORIGIN = "https://www.wjx.cn"
PATH = "/openapi/default.aspx"
SURVEY, ANSWERS = "1000001", "1001002"
PAGE_SIZE = 50
MAX_PAGES = 2_000
"""100,000 answers: the intake's row cap."""
MAX_CELL_CHARS = 32_767
NOT_QUESTIONS = {1, 2}
"""q_type of a page break and of a paragraph of text: no answer."""
FIXED = (("index", "序号"), ("submittime", "提交答卷时间"))
"""Answer keys that are not questions, kept as the first columns (问卷星's export headers)."""
JOIN = "┋"
"""Several chosen options, joined as 问卷星's own export joins them."""
_TAGS = re.compile(r"<[^>]*>")


class WjxFailure(IntakeError):
    """The API did not answer usably within the retries."""


def sign(params: dict[str, Any], appkey: str) -> str:
    """SHA-1 of the non-empty values sorted by parameter name, then the appkey (lower-case hex)."""
    values = (_text(params[k]) for k in sorted(params) if k != "sign")
    return hashlib.sha1(("".join(v for v in values if v) + appkey).encode()).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class WjxClient:
    """Signed POSTs under the shared retry rule (intake/retry.py), one deadline per page."""

    sleep: Callable[[float], None] = staticmethod(time.sleep)
    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, policy: RetryPolicy = DEFAULT_POLICY) -> None:
        self.origin, self.policy = retry.origin("WJX_API_URL", ORIGIN), policy
        self.session = requests.Session()
        credentials = retry.env_credentials("WJX_APPID", "WJX_APPKEY")
        if credentials is None and not is_loopback(self.origin):
            raise IntakeError("缺少问卷星 API 凭据：请设置 WJX_APPID 和 WJX_APPKEY")
        self.appid, self.appkey = credentials or ("", "")
        self.reads = 0

    def call(self, action: str, params: dict[str, Any]) -> Any:
        """The `data` of one action's answer."""

        def request() -> dict[str, Any]:
            trace = uuid.uuid4().hex
            body = {"appid": self.appid, "ts": int(self.clock()), "encode": "sha1"}
            body |= {"action": action, **params}
            body["sign"] = sign({**body, "traceid": trace}, self.appkey)
            url = f"{self.origin}{PATH}?traceid={trace}&action={action}"
            return dict(method="POST", url=url, json=body)

        response = retry.send(
            self.session,
            request,
            self.policy,
            lambda failure, attempt: WjxFailure(
                f"问卷星接口{failure}，已尝试 {attempt} 次仍失败；本次未写入任何文件"
            ),
            sleep=self.sleep,
        )
        _refuse(response.status_code)
        self.reads += 1
        answer = _json(response)
        if not isinstance(answer, dict) or answer.get("result") is not True:
            said = answer.get("errormsg") if isinstance(answer, dict) else None
            said = _TAGS.sub("", str(said or "未说明原因"))[:100]
            raise IntakeError(
                f"问卷星接口拒绝了请求：{said}（请检查 WJX_APPID、WJX_APPKEY 和问卷编号）；"
                "本次未写入任何文件"
            )
        return answer.get("data")


def _refuse(code: int) -> None:
    if 200 <= code < 300:
        return
    if code in (401, 403):
        raise IntakeError("问卷星拒绝了 API 凭据：请检查 WJX_APPID 和 WJX_APPKEY")
    if code == 404:
        raise IntakeError("找不到问卷星接口：请检查 WJX_API_URL")
    raise IntakeError(f"问卷星接口错误 HTTP {code}；本次未写入任何文件")


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise IntakeError("问卷星接口的回答不是有效的 JSON；本次未写入任何文件") from None


Question = tuple[str, str, dict[str, str]]
"""(answer key q{N}, title, option number → option text)."""


def questions(survey: Any) -> list[Question]:
    """The survey's questions in order, page breaks and paragraphs left out."""
    found = survey.get("questions") if isinstance(survey, dict) else None
    if not isinstance(found, list):
        raise IntakeError("问卷星问卷结构无法识别（缺少 questions）；本次未写入任何文件")
    out: list[Question] = []
    for item in found:
        if not isinstance(item, dict) or item.get("q_type") in NOT_QUESTIONS:
            continue
        number = item.get("q_index")
        title = _TAGS.sub("", str(item.get("q_title") or "")).strip() or f"第{number}题"
        options = {
            str(o.get("item_index")): _TAGS.sub("", str(o.get("item_title") or "")).strip()
            for o in item.get("items") or []
            if isinstance(o, dict)
        }
        out.append((f"q{number}", title, options))
    return out


def answer_cells(answer: dict[str, Any], asked: list[Question]) -> list[str]:
    """One answer as the cells of a row: the fixed columns, then each question's answer with
    option numbers turned into their texts (several joined with ┋, a fill-in after the text)."""
    cells = [_text(answer.get(key))[:MAX_CELL_CHARS] for key, _ in FIXED]
    for key, _, options in asked:
        value = _text(answer.get(key))
        if options and value:
            value = JOIN.join(_option(part, options) for part in value.split("|") if part)
        cells.append(value[: MAX_CELL_CHARS + 1])
    return cells


def _option(part: str, options: dict[str, str]) -> str:
    number, _, filled = part.partition("^")
    text = options.get(number.strip(), part)
    return f"{text}（{filled}）" if filled and text != part else text


def read_survey(vid: str, client: WjxClient | None = None) -> Table:
    """The survey's answers as a Table: header (序号, 提交答卷时间, question titles) and rows
    numbered from 2 as a sheet's would be. The CLI calls this for `--source wjx --form ID`."""
    if not vid.strip().isdigit():
        raise IntakeError(f"问卷星问卷编号应为数字（问卷链接中的 activityid），实际为 “{vid[:20]}”")
    client = client or WjxClient()
    number = int(vid)
    asked = questions(
        client.call(SURVEY, {"vid": number, "get_questions": True, "get_items": True})
    )
    header = [label for _, label in FIXED] + [title for _, title, _ in asked]
    rows = list(_answers(client, number, asked))
    return Table(header, iter(rows), f"问卷星问卷 {number}", total=len(rows))


def _answers(client: WjxClient, vid: int, asked: list[Question]) -> Iterator[Row]:
    row = 1
    for page in range(1, MAX_PAGES + 1):
        data = client.call(ANSWERS, {"vid": vid, "page_index": page, "page_size": PAGE_SIZE})
        answers = data.get("answers") if isinstance(data, dict) else None
        if not isinstance(answers, list):
            raise IntakeError("问卷星接口的回答缺少 answers；本次未写入任何文件")
        for answer in answers:
            if isinstance(answer, dict):
                row += 1
                yield row, answer_cells(answer, asked)
        total = data.get("total_count")
        if not answers or (isinstance(total, int) and row - 1 >= total):
            return
    raise IntakeError(f"问卷星问卷超过 {MAX_PAGES * PAGE_SIZE} 份答卷，请分批导入")
