// The console's only script of its own (the Content-Security-Policy runs no inline script):
// htmx requests carry the CSRF token of the page, a refused test send shows its reason where an
// answered one would, and "Select all" selects every dead letter.
document.addEventListener('htmx:configRequest', function (event) {
  var header = document.querySelector('meta[name="csrf-header"]');
  var token = document.querySelector('meta[name="csrf-token"]');
  if (header && token) {
    event.detail.headers[header.content] = token.content;
  }
});
document.addEventListener('htmx:beforeSwap', function (event) {
  var status = event.detail.xhr.status;
  if (event.detail.target.id === 'test-result' && (status === 404 || status === 422 || status === 429)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener('change', function (event) {
  if (event.target.id === 'select-all') {
    document.querySelectorAll('input[name="deliveryId"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  }
});
