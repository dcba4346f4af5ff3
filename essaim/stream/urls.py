from django.urls import path

from essaim.stream import post_views, views

app_name = "stream"
urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company"),
    path("tags/<str:name>/", views.tag, name="tag"),
    path("tags/<str:name>/follow", views.tag_follow, name="tag-follow"),
    path("@<str:handle>/posts", views.profile_posts, name="profile-posts"),
    path("posts/new", views.post_create, name="post-create"),
    path("sources/muted/", views.sources_muted, name="sources-muted"),
    path("sources/mute", views.source_mute, name="source-mute"),
    path("sources/<int:mute_id>/unmute", views.source_unmute, name="source-unmute"),
    path("stream/preview", views.preview, name="preview"),
    path("stream/mentions", views.mention_suggestions, name="mention-suggestions"),
    path("stream/tags", views.tag_suggestions, name="tag-suggestions"),
    path("stream/media/<int:attachment_id>/discard", views.media_discard, name="media-discard"),
    path("posts/<int:post_id>/", post_views.post_detail, name="post-detail"),
    path("posts/<int:post_id>/card", post_views.post_card, name="post-card"),
    path("posts/<int:post_id>/edit", post_views.post_edit, name="post-edit"),
    path("posts/<int:post_id>/history", post_views.post_history, name="post-history"),
    path("posts/<int:post_id>/delete", post_views.post_delete, name="post-delete"),
    path("posts/<int:post_id>/comments", post_views.comment_create, name="comment-create"),
    path("posts/<int:post_id>/react", post_views.reaction_toggle, name="reaction-toggle"),
    path("posts/<int:post_id>/reactions", post_views.reactors, name="reactors"),
    path("posts/<int:post_id>/save", post_views.bookmark, name="bookmark"),
    path("saved/", views.saved, name="saved"),
    path("posts/<int:post_id>/announcement", post_views.announcement, name="announcement"),
    path("posts/<int:post_id>/hide", post_views.post_hide, name="post-hide"),
    path("posts/<int:post_id>/mute", post_views.post_mute, name="post-mute"),
    path("posts/<int:post_id>/link-preview/remove", post_views.link_preview_remove, name="link-preview-remove"),
    path("link-previews/<int:preview_id>/image", post_views.link_preview_image, name="link-preview-image"),
    path("comments/<int:comment_id>/edit", post_views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/delete", post_views.comment_delete, name="comment-delete"),
    path("attachments/<int:attachment_id>/", post_views.attachment_download, name="attachment"),
    path(
        "attachments/<int:attachment_id>/thumbnail",
        post_views.attachment_download,
        {"variant": "thumbnail"},
        name="attachment-thumbnail",
    ),
]
