// The linked views of a tuning job's page: which jobs are selected (by brushing a region of a scatter or a range
// on a parallel-coordinates axis) and which one the pointer is on. Every chart and the jobs table listen, so a
// selection made in one shows in all of them. Jobs are rows of the charts' columns (see chartSet).

export function createSelection() {
  const listeners = new Set();
  /** The selected rows (a Set), or null when nothing is selected. */
  let rows = null;
  /** Where the selection was made (a chart's id): that chart keeps its own brush drawn. */
  let source = null;
  /** The row under the pointer, in any chart or the table. */
  let hovered = null;
  const emit = (kind) => {
    for (const listener of listeners) listener(kind);
  };
  return {
    get rows() {
      return rows;
    },
    get source() {
      return source;
    },
    get hovered() {
      return hovered;
    },
    /** Is the row selected, or is nothing selected (everything shows)? */
    shows(row) {
      return rows === null || rows.has(row);
    },
    select(selected, from) {
      rows = selected === null ? null : new Set(selected);
      source = from ?? null;
      emit("select");
    },
    clear() {
      if (rows === null) return;
      rows = null;
      source = null;
      emit("select");
    },
    hover(row) {
      if (row === hovered) return;
      hovered = row;
      emit("hover");
    },
    /** Calls `listener(kind)` on every change ("select" or "hover"); returns a function that stops it. */
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
