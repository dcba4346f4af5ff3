from __future__ import annotations

import gzip
import io
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from django.utils import timezone
from PIL import Image

from essaim.feeds import importing
from essaim.feeds.models import Feed, FeedItem
from essaim.stream.models import Post
from tests.core.loopback import LoopbackServer
from tests.feeds import samples
from tests.feeds.conftest import make_feed

pytestmark = pytest.mark.django_db

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def _posts(feed: Feed) -> list[Post]:
    return list(Post.objects.filter(author=feed.account).order_by("id"))


class TestFormats:
    def test_rss_2_items_become_posts_by_the_feed_oldest_first(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(3), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        outcome = importing.poll(feed.pk)
        assert outcome.imported == 3
        posts = _posts(feed)
        assert [p.body.split("\n")[0] for p in posts] == ["Article 1", "Article 2", "Article 3"]
        post = posts[0]
        assert post.space == space
        assert post.author.kind == "feed"
        assert not post.author.is_active
        assert '<a href="https://news.example.com/1" rel="noopener noreferrer nofollow">Article 1</a>' in post.body_html
        assert "<b>" not in post.body_html  # tags outside the posts' allow-list go
        assert "script" not in post.body_html
        assert "alert" not in post.body_html
        assert "Résumé" in post.body_html
        feed.refresh_from_db()
        assert feed.items_imported == 3
        assert feed.title == "Industry news"
        assert feed.account.first_name == "Industry news"
        assert feed.last_success_at is not None
        assert feed.last_error == ""

    def test_atom_1_0(self, server: LoopbackServer, space) -> None:
        server.route("/atom", body=samples.atom(2), headers={"Content-Type": "application/atom+xml"})
        feed = make_feed(space, server.url("/atom"))
        assert importing.poll(feed.pk).imported == 2
        assert "<em>2</em>" in _posts(feed)[1].body_html
        assert "https://code.example.com/releases/2" in _posts(feed)[1].body_html

    def test_rss_1_0(self, server: LoopbackServer, space) -> None:
        server.route("/rdf", body=samples.rss1(), headers={"Content-Type": "application/rdf+xml"})
        feed = make_feed(space, server.url("/rdf"))
        assert importing.poll(feed.pk).imported == 2
        assert {p.body.split("\n")[0] for p in _posts(feed)} == {"First", "Second"}

    def test_a_sloppy_feed_that_still_reads_is_imported(self, server: LoopbackServer, space) -> None:
        server.route("/sloppy", body=samples.SLOPPY, headers=RSS)
        feed = make_feed(space, server.url("/sloppy"))
        assert importing.poll(feed.pk).imported == 1
        assert "R&amp;D" in _posts(feed)[0].body_html

    def test_title_only(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss"), show=Feed.Show.TITLE)
        importing.poll(feed.pk)
        assert "Résumé" not in _posts(feed)[0].body_html

    def test_keyword_filter_ignores_case_and_accents(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(3), headers=RSS)
        feed = make_feed(space, server.url("/rss"), keywords=" ARTICLE 2 , nothing")
        assert importing.poll(feed.pk).imported == 1
        feed2 = make_feed(space, server.url("/rss?x"), keywords="resume")
        assert importing.poll(feed2.pk).imported == 3


class TestRefusals:
    @pytest.mark.parametrize("body", [samples.BROKEN, samples.HTML_PAGE, b""])
    def test_broken_xml_is_an_error_in_words(self, server: LoopbackServer, space, body: bytes) -> None:
        server.route("/bad", body=body, headers=RSS)
        feed = make_feed(space, server.url("/bad"))
        outcome = importing.poll(feed.pk)
        assert outcome.error == "not_a_feed"
        feed.refresh_from_db()
        assert feed.last_error == "not_a_feed"
        assert feed.failures == 1
        assert importing.describe_error(feed.last_error) == "The address does not give a valid RSS or Atom feed."
        assert _posts(feed) == []

    def test_a_50_mb_feed_is_refused(self, server: LoopbackServer, space) -> None:
        big = samples.rss2(1) + b" " * (50 * 1024 * 1024)
        server.route("/huge", body=big, headers=RSS)
        feed = make_feed(space, server.url("/huge"))
        assert importing.poll(feed.pk).error == "too_large"
        assert _posts(feed) == []

    def test_a_50_mb_feed_without_length_is_cut(self, server: LoopbackServer, space) -> None:
        def stream(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Connection", "close")
            handler.end_headers()
            try:
                handler.wfile.write(samples.rss2(1)[:-20])
                for _ in range(800):
                    handler.wfile.write(b"<!-- padding -->" * 4096)
            except OSError:
                pass
            handler.close_connection = True

        server.route("/huge", handler=stream)
        feed = make_feed(space, server.url("/huge"))
        assert importing.poll(feed.pk).error == "too_large"

    def test_a_gzip_bomb_is_refused(self, server: LoopbackServer, space) -> None:
        bomb = gzip.compress(samples.rss2(1)[:-20] + b" " * (30 * 1024 * 1024))  # 30 KB that inflate past the cap
        server.route("/bomb", body=bomb, headers={**RSS, "Content-Encoding": "gzip"})
        feed = make_feed(space, server.url("/bomb"))
        assert importing.poll(feed.pk).error == "decompression_bomb"

    def test_a_gzipped_feed_is_read(self, server: LoopbackServer, space) -> None:
        server.route("/z", body=gzip.compress(samples.rss2(2)), headers={**RSS, "Content-Encoding": "gzip"})
        feed = make_feed(space, server.url("/z"))
        assert importing.poll(feed.pk).imported == 2

    def test_a_feed_redirecting_inside_the_network_is_refused(self, server: LoopbackServer, space) -> None:
        server.route("/moved", status=301, headers={"Location": "http://169.254.169.254/latest/"})
        feed = make_feed(space, server.url("/moved"))
        assert importing.poll(feed.pk).error == "blocked_address"

    def test_a_loopback_feed_is_refused_without_the_allow_list(self, server: LoopbackServer, space, settings) -> None:
        settings.FETCH_ALLOW = []
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss", host="localhost"))
        assert importing.poll(feed.pk).error == "blocked_address"
        assert server.requests == []

    def test_an_http_error_is_kept_in_words(self, server: LoopbackServer, space) -> None:
        server.route("/gone", status=503)
        feed = make_feed(space, server.url("/gone"))
        importing.poll(feed.pk)
        feed.refresh_from_db()
        assert importing.describe_error(feed.last_error, feed.last_error_detail) == (
            "The server answered with the HTTP error 503."
        )


class TestDuplicatesAndConditionalGet:
    def test_an_item_is_never_posted_twice(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(3), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        importing.poll(feed.pk)
        server.route("/rss", body=samples.rss2(3, start=2), headers=RSS)  # items 2, 3 again and a new 4
        assert importing.poll(feed.pk, claimed=True).imported == 1
        assert len(_posts(feed)) == 4
        assert FeedItem.objects.filter(feed=feed).count() == 4

    def test_duplicates_within_one_document_are_posted_once(self, server: LoopbackServer, space) -> None:
        doubled = samples.rss2(2).replace(b"</channel>", samples.rss2(1).split(b"<description>News</description>")[1])
        server.route("/rss", body=doubled, headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        assert importing.poll(feed.pk).imported == 2

    def test_items_without_guid_are_deduplicated_on_their_link(self, space) -> None:
        make_feed(space, "https://example.com/feed")
        entry = importing.Entry("", "T", "https://example.com/a", "", "", "")
        parsed = type("P", (), {"entries": [{"link": "https://example.com/a", "title": "A"}] * 2})()
        entries = importing.entries_of(parsed)
        assert len(entries) == 1
        assert entry.link == entries[0].link

    def test_an_item_another_worker_posted_meanwhile_is_skipped(self, server, space, monkeypatch) -> None:
        """The unique (feed, key) decides: a worker that read the known keys before the other wrote is refused."""
        server.route("/rss", body=samples.rss2(2), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        importing.poll(feed.pk)
        monkeypatch.setattr(importing, "_unknown", lambda feed, entries: list(entries))
        assert importing.poll(feed.pk, claimed=True).imported == 0
        assert len(_posts(feed)) == 2

    def test_a_chunk_partly_posted_by_another_worker_is_finished_item_by_item(self, server, space, monkeypatch):
        server.route("/rss", body=samples.rss2(2), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        importing.poll(feed.pk)
        server.route("/rss", body=samples.rss2(4), headers=RSS)
        monkeypatch.setattr(importing, "_unknown", lambda feed, entries: list(entries))
        assert importing.poll(feed.pk, claimed=True).imported == 2
        assert len(_posts(feed)) == 4
        feed.refresh_from_db()
        assert feed.items_imported == 4

    def test_etag_and_last_modified_are_sent_back_and_304_posts_nothing(self, server, space) -> None:
        def conditional(handler: BaseHTTPRequestHandler) -> None:
            if handler.headers.get("If-None-Match") == '"v1"':
                handler.send_response(304)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            body = samples.rss2(2)
            handler.send_response(200)
            handler.send_header("ETag", '"v1"')
            handler.send_header("Last-Modified", "Mon, 07 Dec 2026 10:00:00 GMT")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        server.route("/rss", handler=conditional)
        feed = make_feed(space, server.url("/rss"))
        assert importing.poll(feed.pk).imported == 2
        assert importing.poll(feed.pk, claimed=True).imported == 0
        second = server.requests[-1].headers
        assert second["if-none-match"] == '"v1"'
        assert second["if-modified-since"] == "Mon, 07 Dec 2026 10:00:00 GMT"
        feed.refresh_from_db()
        assert feed.last_error == ""
        assert feed.items_imported == 2

    def test_a_worker_killed_mid_job_leaves_nothing_half_done_and_the_next_run_posts_the_rest(
        self, server, space, monkeypatch
    ) -> None:
        server.route("/rss", body=samples.rss2(120), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        real = importing.stream_services.posts_import_unchecked
        calls = {"n": 0}

        def dies_in_the_second_transaction(**kwargs):
            posts = real(**kwargs)  # written, not committed
            calls["n"] += 1
            if calls["n"] == 2:
                raise SystemExit("killed")
            return posts

        monkeypatch.setattr(importing.stream_services, "posts_import_unchecked", dies_in_the_second_transaction)
        with pytest.raises(SystemExit):
            importing.poll(feed.pk)
        assert len(_posts(feed)) == 50  # the first transaction only
        monkeypatch.setattr(importing.stream_services, "posts_import_unchecked", real)
        assert importing.poll(feed.pk).imported == 0  # still claimed: its lease has not ended
        Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())  # the lease ended
        assert importing.poll(feed.pk).imported == 70
        keys = list(FeedItem.objects.filter(feed=feed).values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == 120
        assert len(_posts(feed)) == 120


class TestBackOffAndHealth:
    def test_failures_in_a_row_double_the_wait_up_to_a_day(self, server: LoopbackServer, space) -> None:
        server.route("/bad", status=500)
        feed = make_feed(space, server.url("/bad"), every=60)
        waits = []
        for _ in range(6):
            before = timezone.now()
            importing.poll(feed.pk, claimed=True)
            feed.refresh_from_db()
            waits.append(round((feed.next_fetch_at - before) / timedelta(minutes=1)))
        assert waits == [120, 240, 480, 960, 1440, 1440]
        assert feed.failures == 6

    def test_a_success_resets_the_failures(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss"), failures=4, last_error="timeout")
        importing.poll(feed.pk)
        feed.refresh_from_db()
        assert (feed.failures, feed.last_error) == (0, "")
        assert feed.next_fetch_at > timezone.now() + timedelta(minutes=59)

    def test_a_paused_feed_or_an_archived_space_is_not_polled(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss"), paused=True)
        assert not importing.poll(feed.pk).polled
        Feed.objects.filter(pk=feed.pk).update(paused=False)
        space.archived_at = timezone.now()
        space.save()
        assert not importing.poll(feed.pk).polled
        assert server.requests == []


class TestImages:
    def test_the_items_picture_is_fetched_reencoded_and_attached(self, server: LoopbackServer, space) -> None:
        picture = io.BytesIO()
        Image.new("RGB", (40, 30), "orange").save(picture, "PNG")
        server.route("/pic.png", body=picture.getvalue(), headers={"Content-Type": "image/png"})
        body = samples.rss2(1).replace(
            b"</item>", f'<enclosure url="{server.url("/pic.png")}" type="image/png" length="1"/></item>'.encode()
        )
        server.route("/rss", body=body, headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        importing.poll(feed.pk)
        post = _posts(feed)[0]
        assert post.attachment_count == 1
        attachment = post.attachments.get()
        assert attachment.is_image
        assert attachment.alt_text == "Article 1"

    def test_a_picture_that_is_not_an_image_is_left_out(self, server: LoopbackServer, space) -> None:
        server.route("/pic.png", body=b"not an image", headers={"Content-Type": "image/png"})
        namespace = 'xmlns:media="http://search.yahoo.com/mrss/"'
        media = f'<media:content {namespace} url="{server.url("/pic.png")}" medium="image"/>'
        body = samples.rss2(1).replace(b"</item>", media.encode() + b"</item>")
        server.route("/rss", body=body, headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        importing.poll(feed.pk)
        assert _posts(feed)[0].attachment_count == 0
