/* The article editor: every textarea[data-rich-text] becomes a Tiptap (ProseMirror) editor.
 *
 * Progressive enhancement: without JavaScript, or when the bundle (/_vendor/tiptap.js, built by
 * scripts/bootstrap) did not load, the textarea stays as it is. With the editor, the textarea is
 * hidden but remains the field the form submits: it is written on every change and on submit,
 * and keeps its original markup while the text is as loaded (so markup the editor cannot hold,
 * such as a table caption, survives a save of the other fields). The editor's schema holds only
 * what core/content/sanitize.py allows, so what it writes passes the server's allow-list unchanged.
 */
(function () {
  "use strict";
  var kit = window.GovsitesTiptap;
  if (!kit || !document.querySelectorAll || !window.DOMParser) return;

  var zh = /^zh/i.test(document.documentElement.lang || "");
  var T = zh ? {
    toolbar: "正文格式", block: "段落样式", paragraph: "正文", h2: "一级标题", h3: "二级标题", h4: "三级标题",
    bold: "加粗", italic: "倾斜", underline: "下划线", bulletList: "项目符号列表", orderedList: "编号列表",
    blockquote: "引用", link: "链接", table: "插入表格", addRow: "在下方插入一行", addColumn: "在右侧插入一列",
    deleteRow: "删除所在行", deleteColumn: "删除所在列", deleteTable: "删除表格", clear: "清除格式",
    undo: "撤销", redo: "重做",
    linkPrompt: "链接地址（http://、https:// 或 mailto: 开头；留空则取消链接）：",
    linkRefused: "只能链接到 http://、https://、mailto: 开头的地址或本站路径。",
    show: { bold: "B", italic: "I", underline: "U", bulletList: "• 列表", orderedList: "1. 列表", blockquote: "引用",
            link: "链接", table: "表格", addRow: "+行", addColumn: "+列", deleteRow: "−行", deleteColumn: "−列",
            deleteTable: "删表", clear: "清除格式", undo: "撤销", redo: "重做" }
  } : {
    toolbar: "Text formatting", block: "Block style", paragraph: "Paragraph", h2: "Heading", h3: "Subheading",
    h4: "Minor heading", bold: "Bold", italic: "Italic", underline: "Underline", bulletList: "Bulleted list",
    orderedList: "Numbered list", blockquote: "Quotation", link: "Link", table: "Insert a table",
    addRow: "Add a row below", addColumn: "Add a column to the right", deleteRow: "Delete this row",
    deleteColumn: "Delete this column", deleteTable: "Delete the table", clear: "Clear formatting",
    undo: "Undo", redo: "Redo",
    linkPrompt: "Link address (starting with http://, https:// or mailto:; empty removes the link):",
    linkRefused: "Links must start with http://, https:// or mailto:, or be a path on this site.",
    show: { bold: "B", italic: "I", underline: "U", bulletList: "• List", orderedList: "1. List", blockquote: "Quote",
            link: "Link", table: "Table", addRow: "+Row", addColumn: "+Col", deleteRow: "−Row",
            deleteColumn: "−Col", deleteTable: "Del table", clear: "Clear", undo: "Undo", redo: "Redo" }
  };
  var SHORTCUT = /Mac/.test(navigator.platform || "") ? "⌘" : "Ctrl+";

  /* What the server keeps: http, https, mailto, and addresses without a scheme (paths on the site). */
  function allowedUrl(url) {
    return /^(https?:|mailto:)/i.test(url) || !/^[a-z][a-z0-9+.\-]*:/i.test(url);
  }

  function extensions() {
    return [
      kit.StarterKit.configure({
        heading: { levels: [2, 3, 4] },  // the page's title is the h1
        code: false,
        codeBlock: false,
        link: {
          openOnClick: false,
          autolink: true,
          defaultProtocol: "https",
          HTMLAttributes: { target: null, rel: null },  // the server sets rel; target is not allowed
          isAllowedUri: function (url, ctx) { return ctx.defaultValidate(url) && allowedUrl(url); }
        }
      }),
      kit.Image.configure({ inline: true, allowBase64: false }),
      kit.Subscript,
      kit.Superscript,
      // Just the table and its rows: no <colgroup> and no inline style, which the server strips.
      kit.Table.extend({
        renderHTML: function (props) {
          return ["table", kit.mergeAttributes(this.options.HTMLAttributes, props.HTMLAttributes), ["tbody", 0]];
        }
      }).configure({ resizable: false }),
      kit.TableRow,
      quietSpans(kit.TableHeader),
      quietSpans(kit.TableCell)
    ];
  }

  /* A cell writes colspan and rowspan only when they span (not colspan="1" on every cell). */
  function quietSpans(cell) {
    return cell.extend({
      addAttributes: function () {
        var attributes = this.parent();
        ["colspan", "rowspan"].forEach(function (name) {
          attributes[name] = Object.assign({}, attributes[name], {
            renderHTML: function (values) { var o = {}; if (values[name] > 1) o[name] = values[name]; return o; }
          });
        });
        return attributes;
      }
    });
  }

  /* The HTML the editor starts from. A <caption> (which the editor has no place for) becomes a
     paragraph above its table, and text without any markup (typed in the plain textarea) becomes
     one paragraph per line, as the author saw it. */
  function prepare(value) {
    if (!/<[a-z!\/]/i.test(value)) {
      return value.split(/\r?\n/).filter(function (line) { return line.trim(); }).map(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        return p.outerHTML;
      }).join("");
    }
    if (!/<caption/i.test(value)) return value;
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + value, "text/html");  // inert
    Array.prototype.forEach.call(doc.querySelectorAll("table > caption"), function (caption) {
      var p = doc.createElement("p");
      while (caption.firstChild) p.appendChild(caption.firstChild);
      caption.parentNode.parentNode.insertBefore(p, caption.parentNode);
      caption.parentNode.removeChild(caption);
    });
    return doc.body.innerHTML;
  }

  /* The attributes core/content/sanitize.py keeps (ALLOWED_ATTRIBUTES). The editor's schema decides
     the elements, but its nodes carry a few attributes over from pasted HTML (a link's target and
     class, a list's start, a cell's width and alignment): they are left out of what is submitted,
     so the server has nothing to remove and nothing to warn the author about. */
  var KEEP = { a: ["href", "title"], img: ["src", "alt", "width", "height"], th: ["colspan", "rowspan", "scope"],
               td: ["colspan", "rowspan"] };
  function allowedAttributes(markup) {
    if (!/<[a-z0-9]+\s/i.test(markup)) return markup;  // no element has an attribute
    var box = document.createElement("template");  // parsed inert: nothing loads, nothing runs
    box.innerHTML = markup;
    Array.prototype.forEach.call(box.content.querySelectorAll("*"), function (node) {
      var keep = KEEP[node.localName] || [];
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        if (keep.indexOf(attribute.name) < 0) node.removeAttribute(attribute.name);
      });
    });
    return box.innerHTML;
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function enhance(textarea, index) {
    if (textarea.getAttribute("data-rich-text-ready")) return;
    var id = textarea.id || "rich-text-" + index;
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    if (label && !label.id) label.id = id + "-label";
    var readOnly = textarea.matches(":disabled") || textarea.readOnly;

    var wrapper = element("div", { "class": "rte" + (textarea.getAttribute("aria-invalid") === "true" ? " rte-invalid" : "") });
    var toolbar = element("div", { role: "toolbar", "class": "rte-toolbar", id: id + "-toolbar", "aria-label": T.toolbar,
                                   "aria-controls": id + "-editor" });
    var surface = element("div", { "class": "rte-surface" });
    wrapper.appendChild(toolbar);
    wrapper.appendChild(surface);

    var attributes = { id: id + "-editor", "class": "rte-content", role: "textbox", "aria-multiline": "true" };
    if (label) attributes["aria-labelledby"] = label.id;
    else attributes["aria-label"] = textarea.getAttribute("aria-label") || textarea.name;
    if (textarea.getAttribute("aria-describedby")) attributes["aria-describedby"] = textarea.getAttribute("aria-describedby");
    if (textarea.getAttribute("aria-invalid")) attributes["aria-invalid"] = textarea.getAttribute("aria-invalid");
    if (readOnly) attributes["aria-readonly"] = "true";
    if (textarea.lang) attributes.lang = textarea.lang;

    var editor;
    try {
      editor = new kit.Editor({
        element: surface,
        extensions: extensions(),
        content: prepare(textarea.value),
        editable: !readOnly,
        editorProps: { attributes: attributes }
      });
    } catch (error) {
      // Keep the plain textarea rather than lose the text.
      if (window.console) window.console.error("rich-text editor:", error);
      return;
    }
    textarea.setAttribute("data-rich-text-ready", "1");
    textarea.parentNode.insertBefore(wrapper, textarea.nextSibling);
    textarea.hidden = true;
    if (readOnly) wrapper.classList.add("rte-readonly");

    // While the text is as it was loaded (or undone back to it), the textarea keeps the original
    // markup exactly; otherwise it holds the editor's HTML, without trailing empty paragraphs.
    var original = textarea.value;
    function html() { return allowedAttributes(editor.getHTML()).replace(/(<p><\/p>)+$/, ""); }
    var initial = html();
    function sync() {
      var now = html();
      textarea.value = now === initial ? original : now;
    }
    editor.on("update", sync);
    if (textarea.form) textarea.form.addEventListener("submit", sync);

    // The label names the editor, and clicking it goes there (not to the hidden textarea).
    if (label) label.addEventListener("click", function (event) { event.preventDefault(); editor.commands.focus(); });

    if (readOnly) { toolbar.hidden = true; return; }
    buildToolbar(editor, toolbar);
  }

  function buildToolbar(editor, toolbar) {
    var controls = [];   // in order, for the arrow keys
    var updaters = [];

    function group() { var g = element("div", { "class": "rte-group" }); toolbar.appendChild(g); return g; }

    function button(parent, key, run, options) {
      options = options || {};
      var b = element("button", { type: "button", "class": "rte-button rte-" + key, "aria-label": T[key],
                                  title: T[key] + (options.shortcut ? " (" + SHORTCUT + options.shortcut + ")" : ""),
                                  tabindex: "-1" }, T.show[key]);
      if (options.toggle) b.setAttribute("aria-pressed", "false");
      b.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      b.addEventListener("click", function () { run(editor.chain().focus()).run(); });
      parent.appendChild(b);
      controls.push(b);
      updaters.push(function () {
        b.disabled = !run(editor.can().chain().focus()).run();
        if (options.toggle) b.setAttribute("aria-pressed", String(options.toggle()));
      });
      return b;
    }

    var blocks = group();
    var select = element("select", { "class": "rte-block", "aria-label": T.block, title: T.block, tabindex: "-1" });
    [["p", T.paragraph], ["2", T.h2], ["3", T.h3], ["4", T.h4]].forEach(function (option) {
      select.appendChild(element("option", { value: option[0] }, option[1]));
    });
    select.addEventListener("change", function () {
      var chain = editor.chain().focus();
      (select.value === "p" ? chain.setParagraph() : chain.setHeading({ level: Number(select.value) })).run();
    });
    blocks.appendChild(select);
    controls.push(select);
    updaters.push(function () {
      var level = [2, 3, 4].filter(function (n) { return editor.isActive("heading", { level: n }); })[0];
      select.value = level ? String(level) : "p";
    });

    var marks = group();
    button(marks, "bold", function (c) { return c.toggleBold(); }, { toggle: function () { return editor.isActive("bold"); }, shortcut: "B" });
    button(marks, "italic", function (c) { return c.toggleItalic(); }, { toggle: function () { return editor.isActive("italic"); }, shortcut: "I" });
    button(marks, "underline", function (c) { return c.toggleUnderline(); }, { toggle: function () { return editor.isActive("underline"); }, shortcut: "U" });

    var structure = group();
    button(structure, "bulletList", function (c) { return c.toggleBulletList(); }, { toggle: function () { return editor.isActive("bulletList"); } });
    button(structure, "orderedList", function (c) { return c.toggleOrderedList(); }, { toggle: function () { return editor.isActive("orderedList"); } });
    button(structure, "blockquote", function (c) { return c.toggleBlockquote(); }, { toggle: function () { return editor.isActive("blockquote"); } });

    var linking = group();
    var linkButton = element("button", { type: "button", "class": "rte-button rte-link", "aria-label": T.link, title: T.link,
                                         "aria-pressed": "false", tabindex: "-1" }, T.show.link);
    linkButton.addEventListener("mousedown", function (event) { event.preventDefault(); });
    linkButton.addEventListener("click", function () { editLink(editor); });
    linking.appendChild(linkButton);
    controls.push(linkButton);
    updaters.push(function () { linkButton.setAttribute("aria-pressed", String(editor.isActive("link"))); });

    var tables = group();
    button(tables, "table", function (c) { return c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }); });
    button(tables, "addRow", function (c) { return c.addRowAfter(); });
    button(tables, "addColumn", function (c) { return c.addColumnAfter(); });
    button(tables, "deleteRow", function (c) { return c.deleteRow(); });
    button(tables, "deleteColumn", function (c) { return c.deleteColumn(); });
    button(tables, "deleteTable", function (c) { return c.deleteTable(); });

    var tidy = group();
    button(tidy, "clear", function (c) { return c.unsetAllMarks().clearNodes(); });

    var history = group();
    button(history, "undo", function (c) { return c.undo(); }, { shortcut: "Z" });
    button(history, "redo", function (c) { return c.redo(); }, { shortcut: "Y" });

    // One tab stop for the whole toolbar; the arrow keys, Home and End move inside it.
    var current = controls[0];
    function usable(control) { return !control.disabled; }
    function rove(to) {
      controls.forEach(function (control) { control.tabIndex = control === to ? 0 : -1; });
      current = to;
    }
    toolbar.addEventListener("keydown", function (event) {
      var enabled = controls.filter(usable);
      var at = enabled.indexOf(document.activeElement);
      if (at < 0) return;
      var next = null;
      if (event.key === "ArrowRight") next = enabled[(at + 1) % enabled.length];
      else if (event.key === "ArrowLeft") next = enabled[(at - 1 + enabled.length) % enabled.length];
      else if (event.key === "Home") next = enabled[0];
      else if (event.key === "End") next = enabled[enabled.length - 1];
      if (!next) return;
      event.preventDefault();
      rove(next);
      next.focus();
    });
    toolbar.addEventListener("focusin", function (event) { if (controls.indexOf(event.target) >= 0) rove(event.target); });

    function update() {
      updaters.forEach(function (u) { u(); });
      if (!usable(current)) rove(controls.filter(usable)[0] || controls[0]);
    }
    editor.on("transaction", update);
    editor.on("focus", update);
    update();
  }

  function editLink(editor) {
    var previous = editor.getAttributes("link").href || "";
    var url = window.prompt(T.linkPrompt, previous || "https://");
    if (url === null) { editor.commands.focus(); return; }
    url = url.trim();
    if (url === "" || url === "https://") {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      return;
    }
    if (!allowedUrl(url)) { window.alert(T.linkRefused); editor.commands.focus(); return; }
    if (editor.state.selection.empty && !editor.isActive("link")) {
      editor.chain().focus().insertContent({ type: "text", text: url, marks: [{ type: "link", attrs: { href: url } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href: url }).run();
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-text]"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
