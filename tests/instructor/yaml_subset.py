"""A strict reader for the subset of YAML that GitHub workflow files like ours use.

Block mappings (`key: value`, `key:` with a nested block), block sequences (`- item`, including
`- key: value` starting a mapping), plain, 'single-quoted' and "double-quoted" scalars, and comments.
Anything else (flow collections, anchors, multi-line scalars, tabs, inconsistent indentation) is an
error naming the line, so a workflow that only this reader misreads cannot pass silently.
Scalars stay strings, except plain integers, which become ints.
"""
import re


class YamlError(Exception):
    pass


def _strip_comment(text):
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in '\'"' and (i == 0 or text[i - 1] in ' :-'):
            quote = ch
        elif ch == '#' and (i == 0 or text[i - 1] == ' '):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text, lineno):
    text = text.strip()
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise YamlError(f'line {lineno}: unterminated single-quoted scalar')
        body = text[1:-1]
        if re.search(r"(?<!')'(?!')", body.replace("''", '')):
            raise YamlError(f'line {lineno}: a lone quote inside a single-quoted scalar')
        return body.replace("''", "'")
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise YamlError(f'line {lineno}: unterminated double-quoted scalar')
        return bytes(text[1:-1], 'utf-8').decode('unicode_escape')
    if text[:1] in '[{&*!|>%@`':
        raise YamlError(f'line {lineno}: unsupported YAML construct: {text}')
    if re.fullmatch(r'-?\d+', text):
        return int(text)
    return text


def _split_key(content, lineno):
    """(key, rest) of 'key: rest' or 'key:'; None when content is not a mapping entry."""
    m = re.match(r"""^('(?:[^']|'')*'|"[^"]*"|[^'"\s][^:]*?)\s*:(?:\s+(.*))?$""", content)
    if not m:
        return None
    key = _scalar(m.group(1), lineno)
    return str(key), (m.group(2) or '')


def load(text):
    lines = []
    for n, raw in enumerate(text.split('\n'), 1):
        if '\t' in raw[:len(raw) - len(raw.lstrip())]:
            raise YamlError(f'line {n}: a tab in the indentation')
        content = _strip_comment(raw)
        if content.strip():
            lines.append((n, len(content) - len(content.lstrip()), content.strip()))
    if not lines:
        return None
    value, pos = _block(lines, 0, lines[0][1])
    if pos != len(lines):
        raise YamlError(f'line {lines[pos][0]}: unexpected indentation')
    return value


def _block(lines, pos, indent):
    n, ind, content = lines[pos]
    if content == '-' or content.startswith('- '):
        return _sequence(lines, pos, indent)
    return _mapping(lines, pos, indent)


def _value_after(lines, pos, indent, rest, lineno):
    """The value of an entry whose text after the indicator is rest: inline or a nested block."""
    if rest != '':
        return _scalar(rest, lineno), pos
    if pos < len(lines) and lines[pos][1] > indent:
        return _block(lines, pos, lines[pos][1])
    if pos < len(lines) and lines[pos][1] == indent and lines[pos][2].startswith('- '):
        return _sequence(lines, pos, indent)    # a sequence at the key's own indentation
    return None, pos


def _mapping(lines, pos, indent):
    result = {}
    while pos < len(lines):
        n, ind, content = lines[pos]
        if ind < indent:
            break
        if ind > indent:
            raise YamlError(f'line {n}: unexpected indentation')
        if content.startswith('- '):
            break
        kv = _split_key(content, n)
        if kv is None:
            raise YamlError(f'line {n}: expected "key: value": {content}')
        key, rest = kv
        if key in result:
            raise YamlError(f'line {n}: duplicate key {key!r}')
        result[key], pos = _value_after(lines, pos + 1, indent, rest, n)
    return result, pos


def _sequence(lines, pos, indent):
    result = []
    while pos < len(lines):
        n, ind, content = lines[pos]
        if ind < indent or not (content == '-' or content.startswith('- ')):
            if ind > indent:
                raise YamlError(f'line {n}: unexpected indentation')
            break
        if ind > indent:
            raise YamlError(f'line {n}: unexpected indentation')
        item = content[1:].strip()
        if item == '':
            value, pos = _value_after(lines, pos + 1, indent, '', n)
            result.append(value)
            continue
        item_indent = ind + 2
        if _split_key(item, n) is not None:
            # "- key: value" opens a mapping whose further keys sit at item_indent
            sub = [(n, item_indent, item)]
            j = pos + 1
            while j < len(lines) and lines[j][1] >= item_indent:
                sub.append(lines[j])
                j += 1
            value, used = _mapping(sub, 0, item_indent)
            if used != len(sub):
                raise YamlError(f'line {sub[used][0]}: unexpected indentation')
            result.append(value)
            pos = j
        else:
            result.append(_scalar(item, n))
            pos += 1
    return result, pos
