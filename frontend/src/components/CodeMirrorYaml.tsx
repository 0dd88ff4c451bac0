import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import CodeMirror, { Decoration, EditorSelection, EditorView, keymap, Prec, type Extension } from '@uiw/react-codemirror';
import { useImperativeHandle, useMemo, useRef } from 'react';
import type { YamlEditorHandle, YamlEditorProps } from './YamlEditor';

/** Colours come from CSS variables (styles/global.css), so light and dark follow the system. */
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--syntax-key)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syntax-literal)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--syntax-punct)' },
  { tag: [tags.meta, tags.typeName, tags.labelName, tags.keyword], color: 'var(--syntax-meta)' },
  { tag: tags.invalid, color: 'var(--error)' },
]);

const theme = EditorView.theme({
  '&': {
    color: 'var(--text)',
    backgroundColor: 'var(--surface)',
    fontSize: '12.5px',
  },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--text)', padding: '8px 0' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.6' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-muted)',
    color: 'var(--text-faint)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 6%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 10%, transparent)', color: 'var(--text)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 22%, transparent) !important',
  },
  '.cm-error-line': { backgroundColor: 'color-mix(in srgb, var(--error) 14%, transparent)' },
  '.cm-matchingBracket': { backgroundColor: 'color-mix(in srgb, var(--accent) 18%, transparent)', outline: 'none' },
});

function errorLineExtension(line: number | undefined): Extension {
  return EditorView.decorations.of((view) => {
    if (!line || line < 1 || line > view.state.doc.lines) return Decoration.none;
    return Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(view.state.doc.line(line).from)]);
  });
}

const FOCUSABLE =
  'a[href], button, input:not([type="hidden"]), select, textarea, [contenteditable="true"], [tabindex]:not([tabindex="-1"])';

/**
 * Moves focus to the first focusable element after the editor (inside its dialog, or the
 * page), or out of the editor altogether when there is none. What Escape does: it leaves
 * the editor and nothing else (it does not close the dialog around it).
 */
export function focusAfter(editor: HTMLElement): void {
  const scope = editor.closest('dialog') ?? document.body;
  const next = [...scope.querySelectorAll<HTMLElement>(FOCUSABLE)].find(
    (element) =>
      !editor.contains(element) &&
      editor.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING &&
      !element.closest('[hidden], [inert]') &&
      element.getClientRects().length > 0,
  );
  if (next) next.focus();
  else (document.activeElement as HTMLElement | null)?.blur();
}

/**
 * Keys that keep the keyboard free to move: Tab indents (two spaces, or the selected lines)
 * and Shift+Tab is left to the browser, so it always moves focus backwards out of the
 * editor; Escape leaves the editor forwards. A read-only viewer takes neither Tab nor Escape.
 */
const keyboard = Prec.high(
  keymap.of([
    {
      key: 'Tab',
      run: (view) => {
        if (view.state.readOnly) return false;
        const unit = view.state.facet(indentUnit);
        view.dispatch(
          view.state.changeByRange((range) => {
            if (range.empty) return { changes: { from: range.from, insert: unit }, range: EditorSelection.cursor(range.from + unit.length) };
            const changes = [];
            for (let pos = range.from; pos <= range.to; ) {
              const line = view.state.doc.lineAt(pos);
              changes.push({ from: line.from, insert: unit });
              pos = line.to + 1;
            }
            return { changes, range: range.map(view.state.changes(changes)) };
          }),
          { scrollIntoView: true, userEvent: 'input.indent' },
        );
        return true;
      },
    },
    {
      key: 'Escape',
      run: (view) => {
        // A read-only viewer traps nothing: Escape keeps its usual meaning (close the dialog).
        if (view.state.readOnly) return false;
        focusAfter(view.dom);
        return true;
      },
    },
  ]),
);

/** A CodeMirror 6 YAML editor (or read-only viewer) in the app's colours. Loaded lazily: see ./YamlEditor. */
export default function CodeMirrorYaml({
  value,
  onChange,
  readOnly = false,
  label,
  describedBy,
  invalid = false,
  errorLine,
  minHeight = '160px',
  maxHeight = '60vh',
  testId,
  ref,
  focusOnMount,
}: YamlEditorProps & { focusOnMount?: () => boolean }) {
  const viewRef = useRef<EditorView | null>(null);

  useImperativeHandle(ref, (): YamlEditorHandle => ({
    goTo(line, column = 1) {
      const view = viewRef.current;
      if (!view) return;
      const target = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
      const pos = Math.min(target.from + Math.max(column - 1, 0), target.to);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
  }));

  const contentAttributes = useMemo(() => {
    const attributes: Record<string, string> = { 'aria-label': label };
    if (describedBy) attributes['aria-describedby'] = describedBy;
    if (invalid) attributes['aria-invalid'] = 'true';
    if (readOnly) attributes['aria-readonly'] = 'true';
    return attributes;
  }, [label, describedBy, invalid, readOnly]);

  const extensions = useMemo(
    () => [
      yaml(),
      keyboard,
      syntaxHighlighting(highlight),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of(contentAttributes),
      errorLineExtension(errorLine),
    ],
    [contentAttributes, errorLine],
  );

  return (
    <div className={`code-editor ${invalid ? 'code-editor--invalid' : ''} ${readOnly ? 'code-editor--readonly' : ''}`.trim()} data-testid={testId}>
      <CodeMirror
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        indentWithTab={false}
        theme={theme}
        extensions={extensions}
        minHeight={minHeight}
        maxHeight={maxHeight}
        basicSetup={{
          foldGutter: false,
          autocompletion: false,
          highlightActiveLine: !readOnly,
          highlightActiveLineGutter: !readOnly,
          searchKeymap: true,
        }}
        onCreateEditor={(view) => {
          viewRef.current = view;
          // The keyboard reached the placeholder while the editor loaded: carry on in the editor.
          if (focusOnMount?.()) view.focus();
        }}
      />
    </div>
  );
}
