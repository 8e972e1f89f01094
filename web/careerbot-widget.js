/*
 * careerbot-widget.js: an embeddable chat widget for the careerbot Rasa server (socket.io channel).
 *
 * Embed it with one tag; everything else is optional:
 *
 *   <script src="/careerbot-widget.js" defer
 *           data-server-url="http://127.0.0.1:5005"
 *           data-title="CareerBot"
 *           data-initial-message="Hi! Ask me how to become an engineering manager."></script>
 *
 * Other attributes: data-socketio-path (default "/socket.io"), data-socketio-src (the socket.io
 * client, default "vendor/socket.io.min.js" next to this file), data-stylesheet (default
 * "careerbot-widget.css" next to this file), data-auth-token (a JWT of the host page's logged-in
 * user, sent when connecting; the server checks it when its socket.io channel has a jwt_key, see
 * docs/security.md).
 *
 * The widget lives in a shadow root so the host page's CSS cannot break it. Message text is only
 * ever put in the page through textContent and DOM nodes (never innerHTML), so a message cannot
 * inject HTML. The session id, its secret and the visible conversation are kept in localStorage: a
 * reload shows the conversation and continues the same Rasa session, which the server only resumes
 * for a client presenting the secret it handed out with the session (bot/channels/socketio.py).
 *
 * Each bot answer is one bubble (the server sends one event per answer, paragraphs inside); when it
 * arrives, the visitor's question stays in view above it; suggestions never repeat the question just
 * asked.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script) {
    return; // loaded as a module or injected in a way we cannot configure from; do nothing
  }

  // ------------------------------------------------------------------ configuration
  const here = (file) => new URL(file, script.src).href;
  const config = {
    serverUrl: script.dataset.serverUrl || "http://127.0.0.1:5005",
    socketioPath: script.dataset.socketioPath || "/socket.io",
    socketioSrc: script.dataset.socketioSrc || here("vendor/socket.io.min.js"),
    stylesheet: script.dataset.stylesheet || here("careerbot-widget.css"),
    title: script.dataset.title || "CareerBot",
    initialMessage: script.dataset.initialMessage || "",
    authToken: script.dataset.authToken || "",
  };
  const USER_EVENT = "user_uttered"; // credentials.yml: socketio.user_message_evt
  const BOT_EVENT = "bot_uttered"; // credentials.yml: socketio.bot_message_evt
  const ERROR_EVENT = "careerbot_error"; // bot/channels/socketio.py: a refused event, with a sentence
  const REPLY_TIMEOUT_MS = 30000;
  const MAX_HISTORY = 200;

  // ------------------------------------------------------------------ storage
  // localStorage, one record per server: {sessionId, sessionSecret, history: [{from: "user"|"bot", text,
  // buttons}]},
  // so the conversation survives reloads and is shared by the site's tabs. Whether the panel is open
  // is remembered per tab (sessionStorage).
  const storageKey = "careerbot-widget:" + config.serverUrl;
  const openKey = storageKey + ":open";

  /** Buttons as the widget stores them: [{title, payload}] with string fields, anything else dropped. */
  function cleanButtons(raw) {
    return (Array.isArray(raw) ? raw : [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
  }

  function loadState() {
    const state = { sessionId: null, sessionSecret: null, history: [] };
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.sessionId === "string") state.sessionId = saved.sessionId;
      if (saved && typeof saved.sessionSecret === "string") state.sessionSecret = saved.sessionSecret;
      if (saved && Array.isArray(saved.history)) {
        state.history = saved.history
          .filter((m) => m && (m.from === "user" || m.from === "bot") && typeof m.text === "string")
          .map((m) => ({ from: m.from, text: m.text, buttons: cleanButtons(m.buttons) }));
      }
    } catch (err) {
      // storage disabled or corrupted: start afresh
    }
    return state;
  }

  function saveState() {
    try {
      state.history = state.history.slice(-MAX_HISTORY);
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (err) {
      // storage full or disabled: the conversation still works, it just won't survive a reload
    }
  }

  function rememberOpen(isOpen) {
    try {
      sessionStorage.setItem(openKey, isOpen ? "1" : "");
    } catch (err) {
      // storage disabled: the panel starts closed after a reload
    }
  }

  function wasOpen() {
    try {
      return sessionStorage.getItem(openKey) === "1";
    } catch (err) {
      return false;
    }
  }

  const state = loadState();

  // ------------------------------------------------------------------ DOM helpers
  /** Creates an element with attributes (never innerHTML) and children (nodes or plain strings). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) {
      node.append(child); // strings become text nodes
    }
    return node;
  }

  /** A small inline SVG icon built node by node (paths are constants, not message text). */
  function icon(pathData) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }
  const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z";
  const ICON_SEND = "M3 20.5v-7l11-1.5-11-1.5v-7L22 12z";
  const ICON_RESTART = "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z";

  // ------------------------------------------------------------------ light formatting
  // Supported: **bold**, lines starting with "- " (or "* ", "• ") as bullet lists, "1. " numbered
  // lists, [text](https://...) and bare http(s) links. Everything else is plain text.
  const INLINE = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/g;

  function safeHref(href) {
    try {
      const url = new URL(href, window.location.href);
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function link(label, href) {
    const url = safeHref(href);
    if (!url) return document.createTextNode(label);
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  /** Appends `text` to `parent` with **bold** and links turned into nodes. */
  function appendInline(parent, text) {
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      parent.append(text.slice(last, match.index));
      const [, bold, linkText, linkHref, bareUrl] = match;
      if (bold !== undefined) {
        const strong = el("strong");
        appendInline(strong, bold);
        parent.append(strong);
      } else if (linkText !== undefined) {
        parent.append(link(linkText, linkHref));
      } else {
        parent.append(link(bareUrl, bareUrl));
      }
      last = match.index + match[0].length;
    }
    parent.append(text.slice(last));
  }

  /** Turns a message's text into paragraphs and lists (a DocumentFragment of safe nodes). */
  function formatMessage(text) {
    const fragment = document.createDocumentFragment();
    let paragraph = null;
    let list = null;
    for (const line of String(text).split(/\r?\n/)) {
      const bullet = /^\s*(?:[-*•]|(\d+)[.)])\s+(.*)$/.exec(line);
      if (bullet) {
        const tag = bullet[1] ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = el(tag);
          fragment.append(list);
        }
        const item = el("li");
        appendInline(item, bullet[2]);
        list.append(item);
        paragraph = null;
      } else if (!line.trim()) {
        paragraph = null;
        list = null;
      } else {
        if (paragraph) {
          paragraph.append(el("br"));
        } else {
          paragraph = el("p");
          fragment.append(paragraph);
        }
        appendInline(paragraph, line);
        list = null;
      }
    }
    return fragment;
  }

  // ------------------------------------------------------------------ the widget's DOM
  const host = el("div", { id: "careerbot-widget" });
  host.hidden = true; // shown once the stylesheet has loaded (no flash of unstyled widget)
  const root = host.attachShadow({ mode: "open" });

  const launcher = el("button", {
    type: "button",
    className: "cbw-launcher",
    "aria-expanded": "false",
    "aria-controls": "cbw-panel",
    "aria-label": "Open chat with " + config.title,
  }, [icon(ICON_CHAT)]);

  const restartButton = el("button", {
    type: "button",
    className: "cbw-icon-button",
    "aria-label": "Start a new conversation",
    title: "Start a new conversation",
  }, [icon(ICON_RESTART)]);
  const closeButton = el("button", {
    type: "button",
    className: "cbw-icon-button",
    "aria-label": "Close chat",
    title: "Close chat",
  }, [icon(ICON_CLOSE)]);

  const status = el("p", { className: "cbw-status", role: "status" });
  const log = el("div", {
    className: "cbw-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation with " + config.title,
  });
  const typing = el("div", { className: "cbw-typing", "aria-hidden": "true" },
    [el("span"), el("span"), el("span")]);
  typing.hidden = true;
  const typingAnnouncement = el("span", { className: "cbw-visually-hidden", role: "status" });
  const scroller = el("div", { className: "cbw-scroller" }, [log, typing, typingAnnouncement]);

  const input = el("input", {
    id: "cbw-input",
    className: "cbw-input",
    type: "text",
    autocomplete: "off",
    maxlength: "500",
    placeholder: "Ask about your career path…",
  });
  const sendButton = el("button", { type: "submit", className: "cbw-send", "aria-label": "Send" },
    [icon(ICON_SEND)]);
  const form = el("form", { className: "cbw-form" }, [
    el("label", { for: "cbw-input", className: "cbw-visually-hidden", text: "Your message" }),
    input,
    sendButton,
  ]);

  const panel = el("section", {
    id: "cbw-panel",
    className: "cbw-panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "cbw-title",
  }, [
    el("div", { className: "cbw-header" }, [
      el("h2", { id: "cbw-title", className: "cbw-title", text: config.title }),
      restartButton,
      closeButton,
    ]),
    status,
    scroller,
    form,
  ]);
  panel.hidden = true;

  const stylesheet = el("link", { rel: "stylesheet", href: config.stylesheet });
  const reveal = () => {
    host.hidden = false;
    scrollToEnd(); // the panel only has a height once styled (it may have been reopened before)
  };
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  root.append(stylesheet, panel, launcher);

  // ------------------------------------------------------------------ rendering messages
  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  // The visitor's latest question: when the answer comes, the view starts at the question, so both the
  // question and the beginning of a long answer are visible.
  let lastQuestion = null;
  let replyStart = null;

  function scrollToReply() {
    const anchor = lastQuestion || replyStart;
    const top = anchor.offsetTop - 12; // .cbw-scroller is the bubbles' offsetParent
    scroller.scrollTop = Math.min(top, scroller.scrollHeight - scroller.clientHeight);
  }

  function removeQuickReplies() {
    for (const group of log.querySelectorAll(".cbw-quick-replies")) group.remove();
  }

  function quickReplies(buttons) {
    const group = el("div", {
      className: "cbw-quick-replies",
      role: "group",
      "aria-label": "Suggested replies",
    });
    for (const button of buttons) {
      const node = el("button", { type: "button", className: "cbw-quick-reply", text: button.title });
      node.addEventListener("click", () => send(button.payload, button.title));
      group.append(node);
    }
    return group;
  }

  /** Adds one message bubble to the log; `withButtons` shows its quick replies. */
  function renderMessage(message, withButtons) {
    if (message.text) {
      const bubble = el("div", { className: "cbw-message cbw-from-" + message.from });
      // Screen readers hear who is speaking; sighted users see it from the bubble's side and colour.
      bubble.append(el("span", {
        className: "cbw-visually-hidden",
        text: message.from === "user" ? "You said: " : config.title + " said: ",
      }));
      if (message.from === "bot") {
        bubble.append(formatMessage(message.text));
      } else {
        bubble.append(el("p", { text: message.text }));
      }
      log.append(bubble);
      if (message.from === "bot" && !replyStart) replyStart = bubble;
      if (message.from === "user") lastQuestion = bubble;
    }
    if (withButtons && message.buttons && message.buttons.length) {
      log.append(quickReplies(message.buttons));
    }
  }

  function addMessage(message) {
    if (message.from === "user") {
      removeQuickReplies();
      replyStart = null;
    }
    state.history.push(message);
    saveState();
    renderMessage(message, true);
    if (message.from === "bot" && replyStart) scrollToReply();
    else scrollToEnd();
  }

  function renderHistory() {
    log.replaceChildren();
    if (!state.history.length && config.initialMessage) {
      state.history.push({ from: "bot", text: config.initialMessage, buttons: [] });
      saveState();
    }
    state.history.forEach((message, index) => {
      renderMessage(message, index === state.history.length - 1);
    });
    replyStart = null;
    lastQuestion = null;
    scrollToEnd();
  }

  function setTyping(on) {
    typing.hidden = !on;
    typingAnnouncement.textContent = on ? config.title + " is typing…" : "";
    clearTimeout(setTyping.timer);
    if (on) {
      setTyping.timer = setTimeout(() => {
        setTyping(false);
        setStatus(config.title + " did not answer. Please try again in a moment.");
      }, REPLY_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  // ------------------------------------------------------------------ the connection
  let socket = null;
  let sessionReady = false;
  const outbox = []; // messages typed before the session was confirmed

  function loadSocketIo() {
    if (window.io) return Promise.resolve(window.io);
    return new Promise((resolve, reject) => {
      const tag = el("script", { src: config.socketioSrc });
      tag.addEventListener("load", () => (window.io ? resolve(window.io) : reject(new Error("no io"))));
      tag.addEventListener("error", () => reject(new Error("could not load " + config.socketioSrc)));
      document.head.append(tag);
    });
  }

  function connect() {
    if (socket) return;
    setStatus("Connecting…");
    loadSocketIo().then((io) => {
      const options = { path: config.socketioPath, transports: ["websocket", "polling"] };
      if (config.authToken) options.auth = { token: config.authToken };
      socket = io(config.serverUrl, options);
      socket.on("connect", () => {
        sessionReady = false;
        // The server resumes the stored session for the holder of its secret (or makes a new session).
        socket.emit("session_request", { session_id: state.sessionId, session_secret: state.sessionSecret });
      });
      socket.on("session_confirm", (confirmed) => {
        const sessionId = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
        const secret = confirmed && typeof confirmed.session_secret === "string" ? confirmed.session_secret : null;
        if (sessionId && (sessionId !== state.sessionId || secret !== state.sessionSecret)) {
          state.sessionId = sessionId;
          state.sessionSecret = secret;
          saveState();
        }
        sessionReady = true;
        setStatus("");
        while (outbox.length) emitMessage(outbox.shift());
      });
      socket.on(BOT_EVENT, receive);
      socket.on(ERROR_EVENT, (error) => {
        setTyping(false);
        if (error && typeof error.message === "string") setStatus(error.message);
      });
      socket.on("connect_error", () => {
        setTyping(false);
        setStatus("Can't reach " + config.title + " right now. Retrying…");
      });
      socket.on("disconnect", (reason) => {
        sessionReady = false;
        if (reason !== "io client disconnect") setStatus("Connection lost. Reconnecting…");
      });
    }).catch(() => {
      setStatus("The chat is unavailable: its client library could not be loaded.");
    });
  }

  function emitMessage(payload) {
    socket.emit(USER_EVENT, { message: payload, session_id: state.sessionId });
    setTyping(true);
  }

  // What the visitor last asked (typed text or a button's title and payload): suggestions repeating it
  // are not offered again with its answer.
  let lastAsked = { payload: null, shown: null };
  const plain = (text) => String(text).toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, " ").trim()
    .split(/\s+/).join(" ");

  function repeatsQuestion(button) {
    return button.payload === lastAsked.payload
      || (lastAsked.shown !== null && plain(button.title) === plain(lastAsked.shown));
  }

  /** Sends `payload` to the bot and shows `shown` (a button's title, or the typed text). */
  function send(payload, shown) {
    lastAsked = { payload, shown };
    addMessage({ from: "user", text: shown });
    if (socket && sessionReady) {
      emitMessage(payload);
    } else {
      outbox.push(payload);
      connect();
    }
  }

  /** Handles one bot message: {text, quick_replies: [{title, payload}]} (Rasa's SocketIOOutput). */
  function receive(data) {
    setTyping(false);
    if (sessionReady) setStatus("");
    if (!data || typeof data !== "object") return;
    const buttons = cleanButtons(data.quick_replies || data.buttons).filter((b) => !repeatsQuestion(b));
    if (typeof data.text === "string" && data.text.trim()) {
      addMessage({ from: "bot", text: data.text, buttons });
    } else if (buttons.length) {
      addMessage({ from: "bot", text: "", buttons });
    }
  }

  // ------------------------------------------------------------------ opening, closing, typing
  function open(focusInput = true) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat with " + config.title);
    launcher.replaceChildren(icon(ICON_CLOSE));
    host.classList.add("cbw-open");
    rememberOpen(true);
    connect();
    scrollToEnd();
    if (focusInput) input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat with " + config.title);
    launcher.replaceChildren(icon(ICON_CHAT));
    host.classList.remove("cbw-open");
    rememberOpen(false);
    launcher.focus();
  }

  function restart() {
    state.sessionId = null;
    state.sessionSecret = null;
    state.history = [];
    outbox.length = 0;
    saveState();
    setTyping(false);
    renderHistory();
    if (socket) {
      // A fresh socket leaves the old session's room; on connect we ask for a new session.
      socket.disconnect();
      socket.connect();
    }
    input.focus();
  }

  launcher.addEventListener("click", () => (panel.hidden ? open(true) : close()));
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });

  // ------------------------------------------------------------------ start
  function start() {
    setStatus("");
    renderHistory();
    document.body.append(host);
    if (wasOpen()) open(false); // reopened after a reload, without stealing the page's focus
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
