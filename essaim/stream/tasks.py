"""The stream's background work: a post's link preview (``link_previews``)."""

from __future__ import annotations

from django.tasks import task

from essaim.stream import link_previews, services
from essaim.stream.models import Post


@task()
def fetch_link_preview(*, post_id: int) -> bool:
    """Give the post the card of its first outside link (fetched, or kept from an earlier post); whether it has
    one. A post deleted, whose author took the card off, or without a link any more, gets none."""
    post = Post.objects.filter(pk=post_id).only("pk", "body_html", "link_preview_removed", "link_preview").first()
    if post is None or post.link_preview_removed:
        return False
    url = link_previews.first_link(post.body_html)
    preview = link_previews.preview_for(url) if url else None
    shown = preview if preview is not None and preview.found else None
    services.post_link_preview_set_unchecked(post_id=post.pk, preview=shown)
    return shown is not None
