import { EditorView } from '@codemirror/view';
import { act, screen, waitFor } from '@testing-library/react';

/** The CodeMirror view inside the element with this test id, once the lazy editor loaded. */
export async function findEditor(testId: string): Promise<EditorView> {
  const host = await screen.findByTestId(testId);
  return waitFor(
    () => {
      const element = host.querySelector<HTMLElement>('.cm-editor');
      const view = element && EditorView.findFromDOM(element);
      if (!view) throw new Error(`no CodeMirror editor in [data-testid="${testId}"] yet`);
      return view;
    },
    { timeout: 5000 },
  );
}

/** Replaces the editor's whole text, as typing would (onChange fires). */
export function setEditorText(view: EditorView, text: string) {
  act(() => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  });
}
