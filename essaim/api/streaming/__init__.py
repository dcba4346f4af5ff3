"""Mastodon's streaming API, fed by the live pages' pipeline (``essaim.realtime``).

* ``channels``: Mastodon's stream names (``user``, ``user:notification``, ``public:local``, ``hashtag``, ``list``…),
  their paths, parameters and scopes, and which live events each may carry;
* ``readers``: who is streaming (a bearer token, its scopes) and what they are sent, event by event, as the REST
  API serialises it for them (run in threads: it reads the database);
* ``asgi``: the two transports, Server-Sent Events (``GET /api/v1/streaming/<stream>``) and WebSocket
  (``/api/v1/streaming``, several streams on one socket), served by the ASGI process (``essaim.asgi``) next to
  the live pages, one ``realtime.hub.Hub`` per process for both.
"""
