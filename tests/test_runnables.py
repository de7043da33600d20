"""The LangChain interfaces: the assistant as a Runnable, its hybrid retriever as a BaseRetriever (a scripted
chat model; the index is the real seed index)."""

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from hpassist import Answer, Assistant

REPLY = "Korea has invested 15,4 tỷ USD in 320 projects in Hai Phong."
QUESTION = "How much has Korea invested in Hai Phong?"


def _assistant(settings, replies: int = 1) -> Assistant:
    return Assistant(settings, chat_model=GenericFakeChatModel(messages=iter([AIMessage(content=REPLY)] * replies)))


def test_the_assistant_is_a_runnable_that_invokes_streams_and_batches(settings):
    runnable = _assistant(settings, replies=4).as_runnable()
    assert isinstance(runnable, Runnable)
    answer = runnable.invoke(QUESTION)
    assert isinstance(answer, Answer) and not answer.refused and "[1]" in answer.text
    events = list(runnable.stream({"question": QUESTION}))
    assert isinstance(events[-1], Answer) and "".join(e for e in events if isinstance(e, str)) == events[-1].text
    both = runnable.batch([QUESTION, {"question": "and how many projects?", "history": [(QUESTION, answer.text)]}])
    assert [type(a) for a in both] == [Answer, Answer] and "320" in both[1].text
    chained = RunnableLambda(lambda q: q.strip()) | runnable | RunnableLambda(lambda a: a.citations[0].source)
    assert chained.invoke(f"  {QUESTION} ").startswith("001_")


def test_a_runnable_input_that_is_no_question_is_a_clear_error(settings):
    runnable = _assistant(settings).as_runnable()
    with pytest.raises(TypeError, match="question string"):
        runnable.invoke({"text": QUESTION})
    assert isinstance(runnable.batch([42], return_exceptions=True)[0], TypeError)


def test_the_retriever_returns_documents_with_their_citation_metadata(settings):
    assistant = _assistant(settings)
    retriever = assistant.as_retriever(k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(QUESTION)
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert {"source", "title", "date", "start", "end", "score"} <= set(top.metadata)
    raw = (settings.corpus_dirs[0] / top.metadata["source"]).read_text(encoding="utf-8")
    assert top.page_content.split()[0] in raw[top.metadata["start"] : top.metadata["end"]]
    assert [d.id for d in docs] == [c.chunk.id for c in assistant.retrieve(QUESTION, k=3)]
