"""The token view of the gold (config ``tokens``): tokenizer, sentences, tag layers, and their inverse.

See docs/tokens.md. ``token_row`` builds a row from an ``articles`` row; ``statement_spans``
turns one back into character spans per statement; ``statements_from_tags`` turns a
tagger's predicted tags into statement rows for ``beyan evaluate``.
"""

from beyan.tokens.decode import statements_from_tags
from beyan.tokens.sentences import sentence_starts
from beyan.tokens.tokenizer import tokenize
from beyan.tokens.view import decode_bio, statement_spans, token_row

__all__ = ["decode_bio", "sentence_starts", "statement_spans", "statements_from_tags", "token_row", "tokenize"]
