// kmeans-report preview: reloads the page when a rebuild finishes, and shows a failed
// rebuild's error over the page (the last good site stays underneath). Injected into every
// HTML page the preview serves; never part of a built site.
(() => {
  const OVERLAY_ID = "kmeans-report-preview-error";

  function hideError() {
    document.getElementById(OVERLAY_ID)?.remove();
  }

  function showError(message) {
    hideError();
    const box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1rem 1.25rem;background:#fff5f5;color:#5c0011;" +
      "border-top:4px solid #c0002a;font:14px/1.45 system-ui,sans-serif;" +
      "box-shadow:0 -4px 16px rgba(0,0,0,.2)";
    const title = document.createElement("strong");
    title.textContent = "The rebuild failed; this is the last good version of the page.";
    const detail = document.createElement("pre");
    detail.style.cssText =
      "white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0 0;font:13px/1.4 monospace";
    detail.textContent = message;
    box.append(title, detail);
    document.body.append(box);
  }

  function connect() {
    const socket = new WebSocket(`ws://${location.host}/_preview/events`);
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "reload") location.reload();
      else if (message.type === "error") showError(message.message);
      else if (message.type === "ok") hideError();
    };
    // The preview restarted or the connection dropped: try again shortly.
    socket.onclose = () => setTimeout(connect, 1000);
  }

  connect();
})();
