// Live pages: the server tells this page what happened (Server-Sent Events, essaim.realtime) and the
// page fetches what it needs with its reader's own rights. Events carry ids, never HTML.
// - a new post for this feed: a "N new posts — show" bar; the page never moves while someone reads;
// - a comment, reaction or edit: the post's card is drawn again (on a post's page, its comments too);
// - a deletion or hiding: the card goes; a notification: the bell is drawn again.
// The browser reconnects by itself with Last-Event-ID; the server then sends what was missed, or
// "reset" when that is no longer kept (the page offers a reload).
(() => {
  const holder = document.getElementById("live-texts");
  if (!holder || !window.EventSource) return;
  const texts = holder.dataset;
  const feed = document.body.dataset.liveFeed || "";
  const [feedKind, feedArg] = feed.split(/:(.*)/s);
  const seen = new Set();
  const pending = new Map(); // post id → timer: one fetch for a burst of events about one post
  let fresh = 0;

  const cardOf = (id) => document.getElementById(`post-${id}`);
  const typingIn = (element) => {
    const active = document.activeElement;
    return element.contains(active) && active.matches("textarea, input") && active.value;
  };
  const get = async (url) => {
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return response.text();
  };
  const parse = (html) => document.createRange().createContextualFragment(html);
  const processed = (node) => { if (window.htmx) window.htmx.process(node); return node; };

  const belongsHere = (post) => {
    switch (feedKind) {
      case "home": return post.home;
      case "company": return post.company;
      case "space": return String(post.space) === feedArg;
      case "tag": return post.tags.includes(feedArg);
      default: return false;
    }
  };

  const bar = () => {
    let element = document.querySelector(".live-bar");
    if (element) return element;
    const list = document.querySelector(".feed");
    if (!list) return null;
    element = document.createElement("div");
    element.className = "live-bar";
    element.setAttribute("role", "status");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button live-bar__button";
    button.addEventListener("click", showNew);
    element.append(button);
    list.prepend(element);
    return element;
  };

  const countUp = () => {
    fresh += 1;
    const element = bar();
    if (!element) return;
    element.querySelector("button").textContent = fresh === 1 ? texts.one : texts.many.replace("{n}", fresh);
    element.hidden = false;
  };

  async function showNew() {
    const list = document.querySelector(".feed");
    const newest = list?.querySelector("article.post[id^='post-']");
    const url = new URL(window.location.href);
    url.searchParams.delete("max_id");
    url.searchParams.set("since_id", newest ? newest.id.slice("post-".length) : "0");
    const element = document.querySelector(".live-bar");
    try {
      const fragment = parse(await get(url));
      fragment.querySelectorAll(".feed__more, .empty-state").forEach((node) => node.remove());
      fragment.querySelectorAll("article.post").forEach((card) => document.getElementById(card.id)?.remove());
      list.querySelector(".empty-state")?.remove();
      const wrapper = document.createElement("div");
      wrapper.className = "live-new";
      wrapper.append(fragment);
      element.after(processed(wrapper));
      fresh = 0;
      element.hidden = true;
      wrapper.querySelector("article.post a")?.focus({ preventScroll: true });
    } catch {
      /* the bar stays: a click tries again */
    }
  }

  const redraw = (postId, delay = 150) => {
    clearTimeout(pending.get(postId));
    pending.set(postId, setTimeout(async () => {
      pending.delete(postId);
      const card = cardOf(postId);
      if (!card) return;
      const threads = document.getElementById("comment-threads");
      if (typingIn(card) || (threads && typingIn(threads)) || (threads && threads.querySelector("details[open]"))) {
        redraw(postId, 1000); // later: never under someone's fingers, nor an open reply box
        return;
      }
      try {
        if (feedKind === "post") {
          const page = parse(await get(window.location.href));
          for (const selector of [`#post-${postId}`, "#comments-title", "#comment-threads"]) {
            const now = page.querySelector(selector);
            const here = document.querySelector(selector);
            if (now && here) here.replaceWith(processed(now));
          }
        } else {
          const now = parse(await get(texts.cardUrl.replace("/0/", `/${postId}/`))).querySelector("article");
          if (now && cardOf(postId)) cardOf(postId).replaceWith(processed(now));
        }
      } catch {
        /* gone or forbidden since: the next event or a reload says more */
      }
    }, delay));
  };

  const remove = (postId) => {
    const card = cardOf(postId);
    if (!card) return;
    if (feedKind === "post") {
      const notice = document.createElement("p");
      notice.className = "card notice";
      notice.setAttribute("role", "status");
      notice.textContent = texts.removed;
      card.replaceWith(notice);
      document.getElementById("comments")?.remove();
    } else {
      card.remove();
    }
  };

  const redrawBell = async () => {
    try {
      const bell = parse(await get(texts.bellUrl)).querySelector("details.bell");
      const here = document.querySelector("details.bell");
      if (bell && here && !here.open) here.replaceWith(processed(bell));
    } catch {
      /* the count shows on the next page */
    }
  };

  const offerReload = () => {
    if (document.querySelector(".live-reset")) return;
    const notice = document.createElement("div");
    notice.className = "live-reset";
    notice.setAttribute("role", "status");
    notice.textContent = `${texts.reset} `;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.textContent = texts.reload;
    button.addEventListener("click", () => window.location.reload());
    notice.append(button);
    document.querySelector("main")?.prepend(notice);
  };

  // The browser reconnects by itself after a dropped connection, but gives up for good on an error answer
  // (a 502 from the proxy while Essaim restarts, a 500): then the page opens a new stream after a pause
  // that grows to a minute, asking again for everything since it was drawn (what it already shows is skipped).
  let source = null;
  let pause = 2000;
  const connect = () => {
    source = new EventSource(`${texts.url}?since=${document.body.dataset.liveSince || ""}`);
    const on = (kind, handle) => source.addEventListener(kind, (event) => handle(JSON.parse(event.data)));
    on("post", (post) => {
      if (seen.has(post.post) || cardOf(post.post) || !belongsHere(post)) return;
      seen.add(post.post);
      countUp();
    });
    for (const kind of ["post-edited", "comment", "reactions"]) on(kind, (data) => redraw(data.post));
    on("post-removed", (data) => remove(data.post));
    on("bell", redrawBell);
    on("reset", () => { source.close(); source = null; offerReload(); });
    source.addEventListener("open", () => { pause = 2000; });
    const current = source;
    current.addEventListener("error", () => {
      if (current !== source || current.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      window.setTimeout(connect, pause);
      pause = Math.min(pause * 2, 60000);
    });
  };
  connect();
  window.addEventListener("pagehide", () => { source?.close(); source = null; });
})();
