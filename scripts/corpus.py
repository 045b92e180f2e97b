"""Where the scripts find tiny-shakespeare: the order lipt-run searches
(rt::resolveCorpusPath), minus a model file's own `data` path."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_corpus(explicit=None):
    """`explicit`, $LIPT_DATA, ../shared/data or data/ (where main.sh
    downloads it): the first that is a file, or None."""
    for path in (explicit, os.environ.get("LIPT_DATA"),
                 os.path.join(ROOT, "..", "shared", "data", "tinyshakespeare.txt"),
                 os.path.join(ROOT, "data", "tinyshakespeare.txt")):
        if path and os.path.isfile(path):
            return path
    return None
