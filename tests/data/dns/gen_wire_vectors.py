#!/usr/bin/python3
"""Golden DNS wire vectors for the dns/ codec, made with dnspython (Debian python3-dnspython).
Regenerate with:

    /usr/bin/python3 tests/data/dns/gen_wire_vectors.py > tests/data/dns/wire_vectors.txt

For every message the file holds dnspython's wire form (`wire <hex>`) and a dump of the message
as dnspython parses that wire back (`dump ...` lines, format below). The C++ test parses the
wire, must print the same dump, and must write the message back to exactly the same bytes
(same compression choices as dnspython's renderer).

Dump lines:
    header id=<n> qr=<0|1> opcode=<n> aa= tc= rd= ra= ad= cd= rcode=<low 4 bits>
    question <name> <type> <class>
    answer|authority|additional <owner> <ttl> <class> <type> <rdata>
    edns payload=<n> version=<n> do=<0|1> extrcode=<n> z=<n> options=<code>:<hex>,...
Rdata: addresses as text, names absolute, SOA/MX fields space separated, TXT strings quoted
("\\" and "\"" escaped, other bytes outside 0x20-0x7e as \\DDD), anything else "\\# <len> <hex>".
"""
import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

TYPES_WITH_TEXT = {"A", "AAAA", "NS", "CNAME", "PTR", "SOA", "MX", "TXT"}


def quoted(s: bytes) -> str:
    out = '"'
    for c in s:
        if c in (0x22, 0x5C):
            out += "\\" + chr(c)
        elif c < 0x20 or c >= 0x7F:
            out += "\\%03d" % c
        else:
            out += chr(c)
    return out + '"'


def rdata_text(rd) -> str:
    t = dns.rdatatype.to_text(rd.rdtype)
    if t in ("A", "AAAA"):
        return rd.address
    if t in ("NS", "CNAME", "PTR"):
        return rd.target.to_text()
    if t == "SOA":
        return " ".join([rd.mname.to_text(), rd.rname.to_text(), str(rd.serial),
                         str(rd.refresh), str(rd.retry), str(rd.expire), str(rd.minimum)])
    if t == "MX":
        return f"{rd.preference} {rd.exchange.to_text()}"
    if t == "TXT":
        return " ".join(quoted(s) for s in rd.strings)
    data = rd.to_digestable()
    return f"\\# {len(data)}" + (" " + data.hex() if data else "")


def type_text(rdtype) -> str:
    t = dns.rdatatype.to_text(rdtype)
    return t if t in TYPES_WITH_TEXT or not t.startswith("TYPE") else t


def dump(m: dns.message.Message) -> list:
    f = m.flags
    lines = [
        "header id=%d qr=%d opcode=%d aa=%d tc=%d rd=%d ra=%d ad=%d cd=%d rcode=%d" % (
            m.id, bool(f & dns.flags.QR), (f >> 11) & 0xF, bool(f & dns.flags.AA),
            bool(f & dns.flags.TC), bool(f & dns.flags.RD), bool(f & dns.flags.RA),
            bool(f & dns.flags.AD), bool(f & dns.flags.CD), f & 0xF)
    ]
    for rrset in m.question:
        lines.append(f"question {rrset.name.to_text()} {dns.rdatatype.to_text(rrset.rdtype)} "
                     f"{dns.rdataclass.to_text(rrset.rdclass)}")
    for label, section in (("answer", m.answer), ("authority", m.authority),
                           ("additional", m.additional)):
        for rrset in section:
            for rd in rrset:
                lines.append(f"{label} {rrset.name.to_text()} {rrset.ttl} "
                             f"{dns.rdataclass.to_text(rrset.rdclass)} "
                             f"{type_text(rrset.rdtype)} {rdata_text(rd)}")
    if m.edns >= 0:
        opts = ",".join(f"{o.otype}:{o.to_wire().hex()}" for o in m.options)
        lines.append("edns payload=%d version=%d do=%d extrcode=%d z=%d options=%s" % (
            m.payload, m.edns, bool(m.ednsflags & 0x8000), (m.ednsflags >> 24) & 0xFF,
            m.ednsflags & 0x7FFF, opts))
    return lines


def rrset(name, ttl, rdtype, *texts, rdclass="IN"):
    return dns.rrset.from_text(dns.name.from_text(name), ttl, rdclass, rdtype, *texts)


def vectors():
    q = dns.message.make_query("www.example.com", "A", id=0x1234)
    yield "query_a", q

    q = dns.message.make_query("wWw.ExAmPlE.cOm", "AAAA", id=7, use_edns=0, payload=4096,
                               want_dnssec=True,
                               options=[dns.edns.GenericOption(3, b""),
                                        dns.edns.GenericOption(10, bytes(range(1, 9)))])
    q.flags |= dns.flags.CD
    yield "query_edns_do_options_mixed_case", q

    q = dns.message.make_query("www.example.com.cdn.local.test", "A", id=0xBEEF, use_edns=0,
                               payload=1232)
    r = dns.message.make_response(q, our_payload=1232)
    r.flags |= dns.flags.AA
    r.answer.append(rrset("www.example.com.cdn.local.test", 60, "A",
                          "192.0.2.1", "192.0.2.7", "198.51.100.3"))
    r.answer.append(rrset("www.example.com.cdn.local.test", 60, "AAAA",
                          "2001:db8::1", "2001:db8:0:1::2"))
    r.authority.append(rrset("cdn.local.test", 3600, "NS", "ns1.cdn.local.test."))
    r.additional.append(rrset("ns1.cdn.local.test", 3600, "A", "203.0.113.53"))
    r.additional.append(rrset("ns1.cdn.local.test", 3600, "AAAA", "2001:db8:53::53"))
    yield "response_steering_answer", r

    q = dns.message.make_query("missing.cdn.local.test", "A", id=42)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.set_rcode(dns.rcode.NXDOMAIN)
    r.authority.append(rrset("cdn.local.test", 60, "SOA",
                             "ns1.cdn.local.test. hostmaster.cdn.local.test. "
                             "1700000000 3600 600 1209600 60"))
    yield "response_nxdomain_soa", r

    q = dns.message.make_query("alias.example.org", "TXT", id=0x0102)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA | dns.flags.RA
    r.answer.append(rrset("alias.example.org", 300, "CNAME", "Target.Example.ORG."))
    r.answer.append(rrset("target.example.org", 300, "TXT",
                          '"v=spf1 -all" "second \\"quoted\\" \\\\ string"',
                          '"bin\\000\\255\\010"'))
    r.authority.append(rrset("example.org", 300, "MX", "10 mail.example.org.",
                             "20 mail2.EXAMPLE.org."))
    r.additional.append(rrset("4.3.2.1.in-addr.arpa", 300, "PTR", "host.example.org."))
    r.additional.append(rrset("odd.example.org", 300, "TYPE65280", "\\# 4 01020304"))
    r.additional.append(rrset("empty.example.org", 300, "TYPE65281", "\\# 0"))
    yield "response_cname_txt_mx_ptr_unknown", r

    q = dns.message.make_query("a\\.b.example.com", "A", id=9)
    r = dns.message.make_response(q)
    r.answer.append(rrset("a\\.b.example.com", 5, "A", "10.0.0.1"))
    yield "response_escaped_label", r

    q = dns.message.make_query("cdn.local.test", "IXFR", id=0x4455)
    q.flags = 0
    q.authority.append(rrset("cdn.local.test", 0, "SOA",
                             "ns1.cdn.local.test. hostmaster.cdn.local.test. 5 3600 600 "
                             "1209600 60"))
    yield "query_ixfr", q

    n = dns.message.make_query("cdn.local.test", "SOA", id=0x7777)
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags = dns.flags.AA | (dns.opcode.NOTIFY << 11)
    n.answer.append(rrset("cdn.local.test", 60, "SOA",
                          "ns1.cdn.local.test. hostmaster.cdn.local.test. 6 3600 600 "
                          "1209600 60"))
    yield "notify", n

    q = dns.message.make_query("www.example.com", "A", id=3, use_edns=1)
    r = dns.message.make_response(q, our_payload=1232)
    r.use_edns(0, 0, 1232)
    r.set_rcode(dns.rcode.BADVERS)
    yield "response_badvers", r


def main() -> None:
    print("# generated by tests/data/dns/gen_wire_vectors.py with dnspython "
          f"{dns.version.version}; do not edit")
    for name, m in vectors():
        wire = m.to_wire()
        parsed = dns.message.from_wire(wire)
        print(f"vector {name}")
        print(f"wire {wire.hex()}")
        for line in dump(parsed):
            print(f"dump {line}")
        print("end")


if __name__ == "__main__":
    import dns.version
    main()
