// DOM helpers shared by the lab (app.js) and the game (game.js). Text is always set as
// text (textContent), never parsed as markup, so a name such as <script> shows as text.

export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
