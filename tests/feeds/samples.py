"""Real feeds in the three formats, and a few broken ones, for the loopback server."""

from __future__ import annotations


def rss2(
    items: int = 3, *, start: int = 1, summary: str = "<p>Résumé <b>gras</b><script>alert(1)</script></p>"
) -> bytes:
    entries = "".join(
        f"""<item><title>Article {n}</title><link>https://news.example.com/{n}</link>
        <guid isPermaLink="false">urn:news:{n}</guid>
        <pubDate>Mon, 0{1 + n % 9} Dec 2026 10:00:00 +0000</pubDate>
        <description><![CDATA[{summary}]]></description></item>"""
        for n in range(start, start + items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Industry news</title><link>https://news.example.com/</link>
<description>News</description>{entries}</channel></rss>""".encode()


def atom(items: int = 2) -> bytes:
    entries = "".join(
        f"""<entry><title>Release {n}</title><link href="https://code.example.com/releases/{n}"/>
        <id>tag:code.example.com,2026:release-{n}</id><updated>2026-12-0{n}T10:00:00Z</updated>
        <summary type="html">&lt;p&gt;Notes &lt;em&gt;{n}&lt;/em&gt;&lt;/p&gt;</summary></entry>"""
        for n in range(1, items + 1)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Releases</title><id>tag:code.example.com,2026:feed</id>
<updated>2026-12-05T10:00:00Z</updated><link href="https://code.example.com/"/>{entries}</feed>""".encode()


def rss1() -> bytes:
    return b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://old.example.com/"><title>Old school</title><link>https://old.example.com/</link>
    <description>RSS 1.0</description>
    <items><rdf:Seq><rdf:li resource="https://old.example.com/a"/><rdf:li resource="https://old.example.com/b"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://old.example.com/a"><title>First</title><link>https://old.example.com/a</link><description>One</description></item>
  <item rdf:about="https://old.example.com/b"><title>Second</title><link>https://old.example.com/b</link><description>Two</description></item>
</rdf:RDF>"""


BROKEN = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Oops</ti"
SLOPPY = rss2(1).replace(b"<title>Article 1</title>", b"<title>R&D news</title>")  # a bare &: not XML, still read
HTML_PAGE = b"<!doctype html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>"
