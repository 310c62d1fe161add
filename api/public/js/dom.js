// @ts-check
// Small DOM helpers shared by the report pages: elements with text (never HTML, so a name from the API
// cannot inject markup) and tables built from rows of cells.

/**
 * The element with this id. Its type (input, dialog, form) is written in the page's HTML, which tsc does not
 * read, so the answer is untyped: the browser tests are what check that each id names what the code expects.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id)

/**
 * The elements under `root` that match `selector`, as HTML elements (with `dataset`, `hidden`).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export function all(selector, root = document) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(selector)])
}

export function element(tag, className, text) {
  const el = document.createElement(tag)
  if (className) el.className = className
  if (text !== undefined) el.textContent = text
  return el
}

function cellOf(cell) {
  if (cell instanceof Node) {
    const td = element('td')
    td.append(cell)
    return td
  }
  return element('td', undefined, cell === undefined || cell === null ? '' : String(cell))
}

/**
 * Fills the table `id`: `headers` is one row of headings, or several rows of `{text, colSpan, rowSpan}`
 * cells; a row of cells may hold text or nodes. An empty body shows `empty` across the table.
 */
export function table(id, headers, rows, empty) {
  const head = element('thead')
  const headerRows = Array.isArray(headers[0]) ? headers : [headers]
  let width = 0
  for (const cells of headerRows) {
    const tr = element('tr')
    let span = 0
    for (const header of cells) {
      const th = element('th', undefined, typeof header === 'string' ? header : header.text)
      if (typeof header !== 'string') {
        if (header.colSpan) th.colSpan = header.colSpan
        if (header.rowSpan) th.rowSpan = header.rowSpan
      }
      span += th.colSpan
      tr.append(th)
    }
    width = Math.max(width, span)
    head.append(tr)
  }
  const body = element('tbody')
  if (rows.length === 0) {
    const tr = element('tr')
    const td = element('td', 'empty-cell', empty)
    td.colSpan = width
    tr.append(td)
    body.append(tr)
  }
  for (const cells of rows) {
    const tr = element('tr')
    for (const cell of cells) tr.append(cellOf(cell))
    body.append(tr)
  }
  $(id).replaceChildren(head, body)
}

/** Saves a fetched file under the name its Content-Disposition gives, else `fallback`. */
export async function saveDownload(response, fallback) {
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
  const link = element('a')
  link.href = URL.createObjectURL(await response.blob())
  link.download = name ?? fallback
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}
