/* global document, window, fetch */
// The progress bar of a dashboard import job (`src/http/admin/imports.tsx`): polls the job's
// JSON every second, moves the bar and its sentence, and reloads the page once the job ended so
// that its report (or why it failed) shows. Served as a file: the pages carry no inline script.
const bar = document.querySelector('progress[data-import-job]')
const sentence = document.getElementById('import-progress-text')

async function poll() {
  try {
    const response = await fetch(bar.dataset.importJob, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
    })
    if (response.ok) {
      const job = await response.json()
      if (job.ended) {
        window.location.reload()
        return
      }
      if (job.live && job.total > 0) {
        bar.max = job.total
        bar.value = Math.min(job.processed, job.total)
      }
      if (sentence) sentence.textContent = job.progressText
    }
  } catch {
    // The server restarting or the network away for a moment: the next poll tries again.
  }
  window.setTimeout(poll, 1000)
}

if (bar) window.setTimeout(poll, 1000)
