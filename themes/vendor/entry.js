// The parts of Tiptap the article editor uses, bundled by build.js into build/tiptap.js as
// `window.GovsitesTiptap`. Only imports: the configuration is themes/default/static/editor.js.
export { Editor, mergeAttributes } from "@tiptap/core";
export { StarterKit } from "@tiptap/starter-kit";
export { Image } from "@tiptap/extension-image";
export { Subscript } from "@tiptap/extension-subscript";
export { Superscript } from "@tiptap/extension-superscript";
export { Table, TableRow, TableHeader, TableCell } from "@tiptap/extension-table";
