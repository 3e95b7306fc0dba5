// Screen-share mode: while it is on, IP addresses, email addresses and session ids are masked
// in every piece of text the window shows, dialogs and tooltips included. (What you type into
// a field stays as typed.) It works on the rendered text
// (a MutationObserver on the document) rather than in each screen, so nothing new can forget
// it; the data itself is untouched, so actions still name the real sessions.

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** Hex groups joined by colons; which of them are addresses is decided in `ipv6`. */
const HEX_GROUPS = /\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/gi;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const SESSION_ID = /\bses_[0-9a-z]{6,}\b/g;

export const MASK = "•••";

/** An IPv6 address has "::" or at least five groups; a time such as 08:51:12 has neither. */
function ipv6(m: string): string {
  const groups = m.split(":").length;
  return (m.includes("::") || groups >= 5) && /[0-9a-f]/i.test(m) ? `${MASK}:${MASK}` : m;
}

/** `text` with its IP addresses, emails and session ids masked. */
export function mask(text: string): string {
  return text
    .replace(EMAIL, `${MASK}@${MASK}`)
    .replace(SESSION_ID, `ses_${MASK}`)
    .replace(IPV4, `${MASK}.${MASK}.${MASK}.${MASK}`)
    .replace(HEX_GROUPS, ipv6);
}

/** The text each masked node held, to put back when the mode is turned off. */
const originals = new WeakMap<Text, { original: string; masked: string }>();

function maskNode(node: Text) {
  const now = node.data;
  const seen = originals.get(node);
  if (seen && seen.masked === now) return;
  const masked = mask(now);
  if (masked !== now) {
    originals.set(node, { original: now, masked });
    node.data = masked;
  }
}

/** Tooltips show text too (a cut-off cell's whole text). */
const titles = new WeakMap<Element, { original: string; masked: string }>();

function maskTitle(e: Element) {
  const now = e.getAttribute("title");
  if (now === null) return;
  const seen = titles.get(e);
  if (seen && seen.masked === now) return;
  const masked = mask(now);
  if (masked !== now) {
    titles.set(e, { original: now, masked });
    e.setAttribute("title", masked);
  }
}

function maskTree(root: Node) {
  if (root.nodeType === Node.TEXT_NODE) {
    maskNode(root as Text);
    return;
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  if (root.nodeType === Node.ELEMENT_NODE) maskTitle(root as Element);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) maskNode(n as Text);
    else maskTitle(n as Element);
  }
}

/** Masks everything under `root` now and as it changes; the returned function stops it and
 * puts back the text of the nodes that still show what was masked. */
export function startMasking(root: Node = document.body): () => void {
  maskTree(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") maskNode(r.target as Text);
      else if (r.type === "attributes") maskTitle(r.target as Element);
      else r.addedNodes.forEach(maskTree);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["title"] });
  return () => {
    observer.disconnect();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const t = n as Text;
        const seen = originals.get(t);
        if (seen && t.data === seen.masked) t.data = seen.original;
        originals.delete(t);
      } else {
        const e = n as Element;
        const seen = titles.get(e);
        if (seen && e.getAttribute("title") === seen.masked) e.setAttribute("title", seen.original);
        titles.delete(e);
      }
    }
  };
}

const KEY = "sessiondesk.screenShare";

export function savedScreenShare(): boolean {
  try {
    return localStorage.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

export function saveScreenShare(on: boolean) {
  try {
    localStorage.setItem(KEY, on ? "on" : "off");
  } catch {
    // Private storage unavailable: the mode lasts until the window closes.
  }
}
