// Live reload for `styre serve` (never part of a built site). Reloads the page after each good
// rebuild; after a failed one, shows the build errors in an overlay, as text.
const source = new EventSource("/__styre/events");
let overlay = null;

source.addEventListener("reload", () => {
  window.location.reload();
});

source.addEventListener("failed", (event) => {
  if (!overlay) {
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "styre-build-error";
    const s = overlay.style;
    s.position = "fixed";
    s.inset = "0";
    s.overflow = "auto";
    s.padding = "2rem";
    s.background = "rgba(20, 20, 20, 0.95)";
    s.color = "#fff";
    s.zIndex = "2147483647";
    s.font = "14px/1.5 ui-monospace, monospace";
    document.body.append(overlay);
  }
  overlay.replaceChildren();
  const title = document.createElement("h1");
  title.textContent = "styre: the last edit does not build";
  const text = document.createElement("pre");
  text.textContent = event.data;
  text.style.whiteSpace = "pre-wrap";
  overlay.append(title, text);
});
