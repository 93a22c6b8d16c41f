// The workbench's few live parts: uploads sent one by one with the token, and a
// running job's status polled until it ends. Written here rather than vendored.
(function () {
  var token = document.querySelector('meta[name=token]').content;
  function get(url, done) {
    fetch(url, { headers: { 'x-lvzhi-token': token } }).then(function (r) { return r.text(); }).then(done);
  }
  var status = document.getElementById('status');
  if (status && status.dataset.poll) {
    var poll = function () {
      get(status.dataset.poll, function (html) {
        status.innerHTML = html;
        if (html.indexOf('正在进行') >= 0) setTimeout(poll, 500);
      });
    };
    setTimeout(poll, 300);
  }
  var input = document.getElementById('files');
  if (!input) return;
  var results = document.getElementById('results');
  function send(files) {
    var year = document.getElementById('year').value;
    var list = Array.prototype.slice.call(files);
    var next = function () {
      var f = list.shift();
      if (!f) return;
      var box = document.createElement('div');
      box.textContent = '正在上传并校验 ' + f.name + ' ……';
      results.insertBefore(box, results.firstChild);
      fetch('/upload?year=' + encodeURIComponent(year) + '&name=' + encodeURIComponent(f.name), {
        method: 'POST', body: f, headers: { 'x-lvzhi-token': token }
      }).then(function (r) {
        if (r.status === 413) return '<section class="result bad"><h2>' + f.name.replace(/[<&]/g, '') + '</h2><p>未保存：文件太大。</p></section>';
        return r.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var part = doc.querySelector('section') || doc.querySelector('main') || doc.body;
        box.innerHTML = part.outerHTML;
        next();
      }, function () { box.textContent = f.name + '：上传失败'; next(); });
    };
    next();
  }
  input.addEventListener('change', function () { send(input.files); input.value = ''; });
  var drop = document.getElementById('drop');
  drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (e) { e.preventDefault(); drop.classList.remove('over'); send(e.dataTransfer.files); });
})();
