"""An independent check of whosaid's PROV exports with the W3C PROV library for Python (Debian python3-prov).

    /usr/bin/python3 prov-compare.py EXPORT.json EXPORT.provxml EXPORT.provn

1. The library reads our PROV-JSON and our PROV-XML; the two documents must hold the same records.
2. The library writes our PROV-JSON as PROV-N; its statements must be the statements of our PROV-N, once
   each side's string literals are decoded and attribute order, trailing "-" markers and boolean spelling
   are normalised.
Prints what differs and exits 1, or prints a summary and exits 0. Run by test/conformance/prov-formats.test.ts.
"""

import sys

import prov


def scan_string(text, i, ours):
    """Decodes the string literal starting at text[i]; returns (value, index after it)."""
    triple = text.startswith('"""', i)
    i += 3 if triple else 1
    out = []
    while True:
        c = text[i]
        if c == "\\":
            nxt = text[i + 1]
            if ours:
                out.append({"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}[nxt])
                i += 2
            elif nxt == '"':
                # The library's only escape: a backslash put before every double quote.
                out.append('"')
                i += 2
            else:
                out.append(c)
                i += 1
        elif triple and text.startswith('"""', i):
            return "".join(out), i + 3
        elif not triple and c == '"':
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1


def scan_value(text, i, ours):
    """One attribute value: (lexical value, datatype or language), index after it."""
    if text[i] == '"':
        value, i = scan_string(text, i, ours)
        rest = text[i:]
        if rest.startswith(" %% "):
            j = i + 4
            k = j
            while text[k] not in ",]":
                k += 1
            datatype = text[j:k].strip()
            if datatype == "xsd:boolean":
                value = {"1": "true", "0": "false"}.get(value, value)
            return (value, datatype), k
        if rest.startswith("@"):
            k = i + 1
            while text[k] not in ",]":
                k += 1
            return (value, "@" + text[i + 1 : k]), k
        return (value, None), i
    if text[i] == "'":
        k = text.index("'", i + 1)
        return (text[i + 1 : k], "xsd:QName"), k + 1
    k = i
    while text[k] not in ",]":
        k += 1
    return (text[i:k].strip(), "xsd:int"), k


def statements(text, ours):
    """The set of statements of a PROV-N document, each as (name, identifier, arguments, attributes)."""
    found = []
    i = 0
    n = len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        j = i
        while j < n and (text[j].isalnum() or text[j] in "_"):
            j += 1
        word = text[i:j]
        if word in ("document", "endDocument"):
            i = j
            continue
        if word == "prefix":
            i = text.index("\n", j)
            continue
        assert text[j] == "(", "expected ( after %r at %d" % (word, j)
        i = j + 1
        args = []
        ident = None
        attrs = []
        token = ""
        while True:
            c = text[i]
            if c == "[":
                i += 1
                while text[i] != "]":
                    while text[i] in " ,":
                        i += 1
                    eq = text.index("=", i)
                    key = text[i:eq].strip()
                    value, i = scan_value(text, eq + 1, ours)
                    attrs.append((key, value))
                    while text[i] == " ":
                        i += 1
                i += 1
            elif c == ";":
                ident = token.strip()
                token = ""
                i += 1
            elif c == ",":
                if token.strip():
                    args.append(token.strip())
                token = ""
                i += 1
            elif c == ")":
                if token.strip():
                    args.append(token.strip())
                i += 1
                break
            else:
                token += c
                i += 1
        if word in ("entity", "agent", "activity") and ident is None and args:
            ident, args = args[0], args[1:]
        while args and args[-1] == "-":
            args.pop()
        found.append((word, ident, tuple(args), tuple(sorted(attrs, key=repr))))
    return found


def canonical(record):
    """A record as comparable data. A qualified name read from PROV-XML (xsi:type="xsd:QName") and the same
    name read from PROV-JSON ({"$": ..., "type": "xsd:QName"}, which the library keeps as a typed literal)
    are one value; every other value is compared as the library decoded it."""

    def value(v):
        if isinstance(v, prov.model.QualifiedName):
            return ("qname", str(v))
        if isinstance(v, prov.model.Literal) and str(v.datatype) == "xsd:QName":
            return ("qname", v.value)
        if isinstance(v, prov.model.Literal):
            return ("literal", v.value, str(v.datatype), v.langtag)
        return (type(v).__name__, str(v))

    return (
        record.get_type().localpart,
        str(record.identifier) if record.identifier else None,
        tuple(sorted((str(k), value(v)) for k, v in record.attributes)),
    )


def show(records):
    return "\n".join("  " + str(r) for r in sorted(records, key=str)[:20])


def main(json_path, xml_path, provn_path):
    failures = []
    from_json = prov.read(json_path, format="json")
    from_xml = prov.read(xml_path, format="xml")
    json_records = set(map(canonical, from_json.get_records()))
    xml_records = set(map(canonical, from_xml.get_records()))
    if len(from_json.get_records()) != len(json_records):
        failures.append("PROV-JSON holds duplicate records")
    namespaces = lambda d: sorted((n.prefix, n.uri) for n in d.namespaces)
    if json_records != xml_records or namespaces(from_json) != namespaces(from_xml):
        failures.append(
            "PROV-JSON and PROV-XML differ:\nonly in JSON:\n%s\nonly in XML:\n%s"
            % (show(json_records - xml_records), show(xml_records - json_records))
        )

    with open(provn_path, encoding="utf-8") as f:
        ours = statements(f.read(), ours=True)
    theirs = statements(from_json.get_provn(), ours=False)
    if len(set(ours)) != len(ours):
        failures.append("our PROV-N repeats a statement")
    if set(ours) != set(theirs):
        failures.append(
            "PROV-N differs from the library's PROV-N of our PROV-JSON:\nonly in ours:\n%s\nonly in the library's:\n%s"
            % (show(set(ours) - set(theirs)), show(set(theirs) - set(ours)))
        )

    if failures:
        print("\n\n".join(failures))
        return 1
    print("prov %s: %d records equal in PROV-JSON and PROV-XML; %d PROV-N statements match" % (prov.__version__, len(json_records), len(ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
