#!/usr/bin/env python3
"""hostile_server.py - a source system that sends what no source should.

Serves the three source protocols (sources.md: portal, city, ministry)
under /case/NAME/..., one hostile case per NAME: give a [source] the
base_url http://127.0.0.1:PORT/case/NAME. Every case's listing holds good
records on its first page and, on a later page (or in some records), the
hostile content. Prints "PORT n" once listening; appends "METHOD PATH" of
every request to the log file given as the first argument.

    hostile_server.py REQUEST_LOG
"""
import http.server
import json
import struct
import sys
import urllib.parse
import zlib

PAGE = 5  # records asked for per page: the test's page_size
STAMP = "20260402143005"


def portal_record(code, extra=""):
    return ('{"MaHoSo":%s,"MaXa":"11002","TrangThaiHoSo":"2",%s"NgayCapNhat":"%s"}'
            % (code, extra, STAMP))


def city_record(code, extra=""):
    return ("<HoSo><MaHoSo>%s</MaHoSo><MaXa>11002</MaXa><TrangThaiHoSo>2</TrangThaiHoSo>%s"
            "<NgayCapNhat>%s</NgayCapNhat></HoSo>" % (code, extra, STAMP))


def ministry_record(code, extra=""):
    return ('{"maHoSoLT":%s,"maDonVi":"11002","trangThai":1,%s"capNhatLuc":"02/04/2026 14:30:05"}'
            % (code, extra))


def portal_page(records, total):
    return ('{"error_code":"0","message":"ok","total":%d,"pageSize":%d,"result":[%s]}'
            % (total, PAGE, ",".join(records))).encode()


def city_page(records, total, prolog="", encoding="UTF-8"):
    return ('<?xml version="1.0" encoding="%s"?>%s<KetQuaTraCuu><MaLoi>0</MaLoi>'
            "<MoTaLoi>ok</MoTaLoi><TongSoBanGhi>%d</TongSoBanGhi><Trang>1</Trang>"
            "<DanhSachHoSo>%s</DanhSachHoSo></KetQuaTraCuu>"
            % (encoding, prolog, total, "".join(records))).encode()


def good(kind, case, n=PAGE):
    make = {"portal": lambda c: portal_record('"%s"' % c),
            "city": city_record,
            "ministry": lambda c: ministry_record('"%s"' % c)}[kind]
    return [make("H-%s-%d" % (case.upper(), i)) for i in range(1, n + 1)]


LAUGHS = ('<!DOCTYPE KetQuaTraCuu [<!ENTITY lol "lol">'
          + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10)
                    for i in range(1, 10)) + "]>")
XXE = '<!DOCTYPE KetQuaTraCuu [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def city_hostile(case, port):
    """Page 2 of a city case (two records' worth: total 7)."""
    two = [city_record("H-%s-6" % case.upper()), city_record("H-%s-7" % case.upper())]
    if case == "xxe":
        return city_page([city_record("H-XXE-6", "<TenTTHC>&xxe;</TenTTHC>")], 7, XXE)
    if case == "dtd":
        return city_page(two, 7, '<!DOCTYPE KetQuaTraCuu SYSTEM "http://127.0.0.1:%d/evil.dtd">'
                         % port)
    if case == "laughs":
        return city_page([city_record("H-LAUGHS-6", "<TenTTHC>&lol9;</TenTTHC>")], 7, LAUGHS)
    if case == "comment":
        return city_page([city_record("H-COMMENT-6", "<TenTTHC>&lol9;</TenTTHC>")], 7,
                         "<!-- <x> -->" + LAUGHS)
    if case == "utf16":
        text = city_page(two, 7, XXE, "UTF-16").decode()
        return b"\xff\xfe" + text.encode("utf-16-le")
    if case == "deep":
        return city_page([city_record("H-DEEP-6", "<x>" * 5000 + "</x>" * 5000)], 7)
    if case == "hugetext":
        return city_page([city_record("H-HUGETEXT-6", "<TenTTHC>" + "a" * (12 << 20)
                                      + "</TenTTHC>")], 7)
    if case == "badutf8":
        return city_page(two, 7).replace(b"H-BADUTF8-6", b"H-BADUTF8-\xff\xfe6")
    if case == "nulref":
        return city_page([city_record("H-NULREF-6", "<TenTTHC>a&#0;b</TenTTHC>")], 7)
    if case == "surrogate":
        return city_page([city_record("H-SURROGATE-6", "<TenTTHC>a&#xD800;b</TenTTHC>")], 7)
    if case == "oversize":  # 110 times the page asked for
        return city_page([city_record("H-OVERSIZE-X%d" % i) for i in range(110 * PAGE)], 7)
    raise KeyError(case)


CITY_CASES = ["xxe", "dtd", "laughs", "comment", "utf16", "deep", "hugetext", "badutf8",
              "nulref", "surrogate", "oversize"]

# SQL and COPY metacharacters in every text field, and in a code.
META = 'Tab\\there\\nnew line \\\\ back\'slash \\"quote\\" ; DROP TABLE tthc.dossier; -- \\\\. \\\\N'


def portal_hostile(case):
    """The whole listing of a portal case: {page index: body}."""
    if case == "nul":  # two codes that differ only after a NUL, and a text cut short
        recs = good("portal", case, 3) + [portal_record('"P-NUL\\u0000A"'),
                                          portal_record('"P-NUL\\u0000B"'),
                                          portal_record('"P-NUL-TEXT"',
                                                        '"TenTTHC":"Khai sinh\\u0000 mất đuôi",')]
        return {1: portal_page(recs[:5], 6), 2: portal_page(recs[5:], 6)}
    if case == "surrogate":  # one record's flaw, not the page's
        recs = good("portal", case, 4) + [portal_record('"P-SUR"', '"TenTTHC":"a\\ud800b",')]
        return {1: portal_page(recs, 5)}
    if case == "badutf8":
        recs = good("portal", case, 4) + [portal_record('"P-BAD"', '"TenTTHC":"Kh\\xe9",')]
        return {1: portal_page(recs, 5).replace(b"Kh\\xe9", b"Kh\xe9")}
    if case == "bignum":
        recs = good("portal", case, 4) + [portal_record("12345678901234567890123")]
        return {1: portal_page(recs, 5)}
    if case == "deep":
        return {1: portal_page(good("portal", case), 6),
                2: portal_page([portal_record('"P-DEEP"', '"x":' + "[" * 3000 + "]" * 3000 + ",")],
                               6)}
    if case == "oversize":
        return {1: portal_page(good("portal", case), 7),
                2: portal_page([portal_record('"P-OVER-%d"' % i) for i in range(110 * PAGE)], 7)}
    if case == "meta":
        fields = ('"TenTTHC":"%s","TenLinhVuc":"%s","MaLinhVuc":"X","DonViXuLy":"%s",'
                  % (META, META, META))
        recs = [portal_record('"P-META\'; DROP TABLE x;--\\\\"', fields)]
        return {1: portal_page(recs, 1)}
    if case == "flaky":  # bad once, then good: asked again, landed good
        return {1: portal_page(good("portal", case, 2), 2)}
    raise KeyError(case)


PORTAL_CASES = ["nul", "surrogate", "badutf8", "bignum", "deep", "oversize", "meta", "flaky",
                "forge", "bomb", "endlessbody"]


def ministry_page(records, cursor):
    return ('{"status":"1","statusDescription":"OK","value":[%s],"nextCursor":%s}'
            % (",".join(records), '"%s"' % cursor if cursor else "null")).encode()


def ministry_hostile(case, cursor):
    if case == "nul":  # a NUL in one code: that record quarantined, the listing goes on
        if not cursor:
            return ministry_page(good("ministry", case, 4) + [ministry_record('"M-NUL\\u0000X"')],
                                 "c2")
        return ministry_page([ministry_record('"M-NUL-2"')], None)
    if case == "deep":  # page 2 unreadable, and its nextCursor with it
        if not cursor:
            return ministry_page(good("ministry", case, 2), "c2")
        return ministry_page([ministry_record('"M-DEEP"', '"x":' + "[" * 3000 + "]" * 3000 + ",")],
                             "c3")
    raise KeyError(case)


MINISTRY_CASES = ["nul", "deep"]
SEEN = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        with open(sys.argv[1], "a") as log:
            log.write("%s %s\n" % (method, self.path))
        if method == "POST":
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = url.path.split("/")
        if len(parts) < 4 or parts[1] != "case":
            return self.send(404, b'{"error":"not_found"}')
        case, rest = parts[2], "/" + "/".join(parts[3:])
        query = urllib.parse.parse_qs(url.query)
        if rest == "/api/auth":
            return self.send(200, b'{"error_code":"0","message":"ok","session":"s","expires_in":1800}')
        if rest == "/token":
            return self.send(200, b'{"access_token":"t","token_type":"Bearer","expires_in":3600}')
        if rest == "/tthc/v1/hoso":
            return self.city(case, int(query.get("trang", ["1"])[0]))
        if rest == "/api/v2/ho-so":
            return self.send(200, ministry_hostile(case, query.get("cursor", [""])[0]))
        if rest == "/api/integration":
            return self.portal(case, int(self.headers.get("X-Page", "0")))
        return self.send(404, b'{"error":"not_found"}')

    def city(self, case, page):
        if page == 1:
            return self.send(200, city_page(good("city", case), 7), "application/xml")
        if page == 2:
            return self.send(200, city_hostile(case, self.server.server_port), "application/xml")
        return self.send(200, city_page([], 7), "application/xml")

    def portal(self, case, _):
        # the page index is in the JSON body, already read: the log line tells
        # which request this is; paging is by request count per case instead
        n = SEEN[case] = SEEN.get(case, 0) + 1
        if case == "forge":
            return self.send(200, ('{"error_code":"2","message":"Sai tham số\\n'
                                   'tthc-extract: error: forged line"}').encode())
        if case == "bomb":  # the page cap applies to what it decompresses to
            return self.send(200, BOMB, headers=[("Content-Encoding", "gzip")])
        if case == "endlessbody":  # chunked, no length: it just goes on
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"%x\r\n%s\r\n" % (1 << 20, b" " * (1 << 20))
            try:
                self.wfile.write(b"%x\r\n%s\r\n" % (28, b'{"error_code":"0","result":['))
                for _ in range(1024):  # 1 GiB at most, then give up
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return None
        if case == "flaky" and n == 1:
            return self.send(200, b"<html>502 Bad Gateway</html>")
        pages = portal_hostile(case)
        index = self.server.portal_page.pop(case, 1)
        return self.send(200, pages.get(index, portal_page([], 0)))

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        if self.path.endswith("/api/integration"):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            case = self.path.split("/")[2]
            try:
                self.server.portal_page[case] = int(json.loads(body).get("pageIndex", 1))
            except ValueError:
                self.server.portal_page[case] = 1
            self.headers.replace_header("Content-Length", "0")
        self.route("POST")


def bomb(mib):
    """mib MiB of zeros gzipped into about mib kB: after a full flush the
    compressor forgets its history, so each MiB compresses to the same
    block, written once and repeated."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    zeros = b"\0" * (1 << 20)
    head = z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)
    end = z.flush()[:-8]  # the last block; the trailer is the whole stream's
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    return head + block * (mib - 1) + end + struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)


BOMB = bomb(1024)  # 1 GiB of zeros in about 1 MB: far more than the 64 MiB page cap


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.portal_page = {}
    print("PORT %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
