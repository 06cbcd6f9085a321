// Live reload for `styre serve` (never part of a built site). Reloads the page after each good
// rebuild; after a failed one, shows the build errors in an overlay, as text.
const source = new EventSource("/__styre/events");
let overlay = null;

source.addEventListener("reload", () => {
  window.location.reload();
});

source.addEventListener("failed", (event) => {
  if (!overlay) {
    // In a shadow root, so that no rule of the site's stylesheets (a light `pre` background,
    // a coloured `h1`) reaches it; each element sets its own colours (CSSOM, allowed by the
    // strict Content-Security-Policy, unlike a `style` attribute or element).
    const host = document.createElement("div");
    host.id = "styre-build-error";
    const s = host.style;
    s.position = "fixed";
    s.inset = "0";
    s.zIndex = "2147483647";
    overlay = host.attachShadow({ mode: "open" });
    document.body.append(host);
  }
  const box = document.createElement("div");
  box.setAttribute("role", "alert");
  Object.assign(box.style, {
    position: "absolute", inset: "0", overflow: "auto", padding: "2rem",
    background: "#141414", color: "#f5f5f5", font: "15px/1.5 ui-monospace, monospace",
  });
  const title = document.createElement("h1");
  title.textContent = "styre: the last edit does not build";
  Object.assign(title.style, { color: "#ffb4a8", background: "none", font: "bold 1.25rem/1.3 system-ui, sans-serif", margin: "0 0 1rem" });
  const text = document.createElement("pre");
  text.textContent = event.data;
  Object.assign(text.style, { whiteSpace: "pre-wrap", color: "#f5f5f5", background: "none", border: "0", margin: "0", padding: "0", font: "inherit" });
  box.append(title, text);
  overlay.replaceChildren(box);
});
