// A tuning job's jobs table, from the same columns the charts draw (every job, one row each): a column per
// hyperparameter, the objective, status with the stop reason, duration, start, and a running job's latest
// value. Sortable by any column (click, or Enter on a focused header), filtered by status, narrowed to the jobs
// brushed in a chart, paged 50 at a time. The best job is starred.

import { esc } from "./chart-common.js";
import { exactNumber, exactTime, formatDuration, formatNumber, formatTime } from "./format.js";

const PAGE = 50;

/** The value a row sorts by, for a column key; null sorts last. */
function sortValue(columns, key, row) {
  if (key === "status") return columns.group[row];
  const v = columns[key]?.[row];
  return v === undefined ? null : v;
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

/**
 * Renders the table into `element` and keeps it up to date. `state.set` is the chart set, `state.running` the
 * latest values of running jobs by name, `state.createdAt` the tuning job's creation (ms), `state.best` the best
 * job's name. Returns { update(state) }.
 */
export function jobsTable(element, selection) {
  let state;
  const sort = { key: "trial", descending: true };
  let offset = 0;
  const hidden = new Set();

  element.innerHTML = `<div class="table-tools"><div class="filters" data-test="status-filters"></div><label class="phone-sort">sort by <select data-test="sort-select"></select></label><div class="selected" data-test="selection" hidden></div></div>
<table data-test="jobs" class="jobs cards"><thead></thead><tbody></tbody></table>
<div class="pager"><button data-test="prev">previous</button><span data-test="page"></span><button data-test="next">next</button></div>`;
  const thead = element.querySelector("thead");
  const tbody = element.querySelector("tbody");

  const columnsOf = () => {
    const c = state.set.columns;
    const hps = Object.keys(c).filter((k) => k.startsWith("hp:"));
    return [
      { key: "trial", label: "#", num: true },
      { key: "name", label: "name" },
      { key: "status", label: "status" },
      { key: "objective", label: state.set.objective.MetricName, num: true },
      ...hps.map((key) => ({ key, label: key.slice(3), num: typeof c[key].find((v) => v !== null) === "number" })),
      { key: "duration", label: "duration", num: true },
      { key: "start", label: "started" },
      ...(state.running.size ? [{ key: "latest", label: "latest value", num: true, unsortable: true }] : []),
    ];
  };

  const cell = (column, row) => {
    const c = state.set.columns;
    const name = c.name[row];
    switch (column.key) {
      case "name":
        return `<a href="#/training-jobs/${encodeURIComponent(name)}">${esc(name)}</a>${name === state.best ? ' <span class="best-mark" title="the best job">★ best</span>' : ""}`;
      case "status": {
        const group = state.set.groups[c.group[row]];
        return `<i class="swatch" style="background:${group.color}"></i>${esc(state.set.reasons[row] ?? group.label)}`;
      }
      case "duration":
        return esc(formatDuration(c.duration[row]));
      case "start": {
        const ms = state.createdAt + c.start[row] * 60_000;
        return `<time datetime="${exactTime(ms)}" title="${exactTime(ms)}">${esc(formatTime(ms))}</time>`;
      }
      case "latest": {
        const latest = state.running.get(name);
        if (!latest) return "";
        if (latest.Value === undefined) return '<span class="muted">no value yet</span>';
        return `<span title="${esc(exactNumber(latest.Value))}">${esc(formatNumber(latest.Value))}</span> <span class="muted">epoch ${latest.Epoch}</span>`;
      }
      default: {
        const v = c[column.key][row];
        return v === null ? "" : `<span title="${esc(exactNumber(v))}">${esc(formatNumber(v))}</span>`;
      }
    }
  };

  /** The rows shown, in order: sorted again only when the data, the order, the filters or the selection change. */
  let memo = { key: [], rows: [] };
  const shownRows = () => {
    const key = [state.set, sort.key, sort.descending, [...hidden].join(), selection.rows];
    if (key.every((v, i) => v === memo.key[i])) return memo.rows;
    const c = state.set.columns;
    const rows = c.name.map((_, row) => row).filter((row) => !hidden.has(c.group[row]) && selection.shows(row));
    const sign = sort.descending ? -1 : 1;
    const values = c.name.map((_, row) => sortValue(c, sort.key, row));
    rows.sort((a, b) => sign * compare(values[a], values[b]) || c.trial[a] - c.trial[b]);
    memo = { key, rows };
    return rows;
  };

  const render = () => {
    const c = state.set.columns;
    const columns = columnsOf();
    const counts = state.set.groups.map((_, g) => c.group.filter((x) => x === g).length);
    element.querySelector(".filters").innerHTML = state.set.groups
      .map((group, g) =>
        counts[g]
          ? `<label class="chip"><input type="checkbox" data-group="${g}" ${hidden.has(g) ? "" : "checked"}> <i class="swatch" style="background:${group.color}"></i>${esc(group.label)} (${counts[g]})</label>`
          : "",
      )
      .join("");
    const shown = shownRows();
    if (offset >= shown.length) offset = Math.max(0, Math.floor((shown.length - 1) / PAGE) * PAGE);
    thead.innerHTML = `<tr>${columns
      .map((column) => {
        if (column.unsortable) return `<th class="${column.num ? "num" : ""}">${esc(column.label)}</th>`;
        const active = sort.key === column.key;
        const aria = active ? (sort.descending ? "descending" : "ascending") : "none";
        return `<th class="sortable${column.num ? " num" : ""}" tabindex="0" role="columnheader" aria-sort="${aria}" data-sort="${esc(column.key)}">${esc(column.label)}<span class="arrow" aria-hidden="true">${active ? (sort.descending ? " ▼" : " ▲") : ""}</span></th>`;
      })
      .join("")}</tr>`;
    tbody.innerHTML =
      shown
        .slice(offset, offset + PAGE)
        .map(
          (row) =>
            `<tr data-row="${row}" data-name="${esc(c.name[row])}" class="${c.name[row] === state.best ? "best" : ""}${row === selection.hovered ? " hovered" : ""}">${columns
              .map(
                (column) =>
                  `<td data-label="${esc(column.label)}" class="${column.num ? "num" : ""}">${cell(column, row)}</td>`,
              )
              .join("")}</tr>`,
        )
        .join("") || `<tr><td colspan="${columns.length}" class="muted">No jobs to show.</td></tr>`;
    element.querySelector("[data-test=page]").textContent =
      `${shown.length ? offset + 1 : 0}–${Math.min(offset + PAGE, shown.length)} of ${shown.length}`;
    element.querySelector("[data-test=prev]").disabled = offset === 0;
    element.querySelector("[data-test=next]").disabled = offset + PAGE >= shown.length;
    // On a phone the header row is hidden (each row is a card): the same sorting from a list.
    element.querySelector("[data-test=sort-select]").innerHTML = columns
      .filter((column) => !column.unsortable)
      .flatMap((column) =>
        [false, true].map(
          (descending) =>
            `<option value="${esc(column.key)}:${descending ? "d" : "a"}" ${sort.key === column.key && sort.descending === descending ? "selected" : ""}>${esc(column.label)} ${descending ? "▼" : "▲"}</option>`,
        ),
      )
      .join("");
    const banner = element.querySelector("[data-test=selection]");
    banner.hidden = selection.rows === null;
    if (selection.rows) {
      banner.innerHTML = `${selection.rows.size} ${selection.rows.size === 1 ? "job" : "jobs"} selected in the charts <button data-test="clear-selection">show all</button>`;
    }
  };

  const sortBy = (key) => {
    sort.descending = sort.key === key ? !sort.descending : key !== "name" && key !== "status";
    sort.key = key;
    offset = 0;
    render();
    thead.querySelector(`[data-sort="${CSS.escape(key)}"]`)?.focus();
  };
  thead.addEventListener("click", (e) => {
    const th = e.target.closest("th.sortable");
    if (th) sortBy(th.dataset.sort);
  });
  thead.addEventListener("keydown", (e) => {
    const th = e.target.closest("th.sortable");
    if (th && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      sortBy(th.dataset.sort);
    }
  });
  element.querySelector("[data-test=sort-select]").addEventListener("change", (e) => {
    const [key, order] = e.target.value.split(/:(?=[ad]$)/);
    sort.key = key;
    sort.descending = order === "d";
    offset = 0;
    render();
  });
  element.querySelector(".filters").addEventListener("change", (e) => {
    const g = Number(e.target.dataset.group);
    if (e.target.checked) hidden.delete(g);
    else hidden.add(g);
    offset = 0;
    render();
  });
  element.addEventListener("click", (e) => {
    if (e.target.closest("[data-test=clear-selection]")) selection.clear();
    if (e.target.closest("[data-test=prev]")) {
      offset = Math.max(0, offset - PAGE);
      render();
    }
    if (e.target.closest("[data-test=next]")) {
      offset += PAGE;
      render();
    }
  });
  tbody.addEventListener("pointerover", (e) => {
    const tr = e.target.closest("tr[data-row]");
    if (tr) selection.hover(Number(tr.dataset.row));
  });
  tbody.addEventListener("pointerleave", () => selection.hover(null));
  selection.listen((kind) => {
    if (!state) return;
    if (kind === "select") {
      offset = 0;
      render();
      return;
    }
    for (const tr of tbody.querySelectorAll("tr.hovered")) tr.classList.remove("hovered");
    tbody.querySelector(`tr[data-row="${selection.hovered}"]`)?.classList.add("hovered");
  });
  return {
    update(next) {
      state = next;
      render();
    },
  };
}
