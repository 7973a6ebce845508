// paintlr's player: the recorded frames of a run with their costs, and, where batch gradient
// descent has a closed form, the exact picture at any learning rate and epoch (window.paintlr).
(function () {
  "use strict";

  const run = JSON.parse(document.getElementById("paintlr-data").textContent);
  const frames = window.paintlrFrames || [];
  const $ = (id) => document.getElementById(id);
  const columns = run.columns;
  const rows = run.rows;
  const epochs = rows.map((r) => r[0]);
  const lastEpoch = Math.max(1, epochs[epochs.length - 1] || 0);

  // --- numbers -------------------------------------------------------------------------------

  // (1 - x)^k for a whole k >= 0: accurate for small x, signed when 1 - x < 0 (as paintlr's pow1m)
  function pow1m(x, k) {
    if (k === 0) return 1;
    if (x < 1) return Math.exp(k * Math.log1p(-x));
    if (x === 1) return 0;
    const m = Math.exp(k * Math.log(x - 1));
    return k % 2 ? -m : m;
  }
  // 1 - (1 - x)^k without cancellation when x k is small
  function oneMinusPow1m(x, k) {
    return x < 1 ? -Math.expm1(k * Math.log1p(-x)) : 1 - pow1m(x, k);
  }
  const psnr = (cost) => (cost <= 0 ? Infinity : 10 * Math.log10(1 / (2 * cost)));
  const whole = (n) => Math.round(n).toLocaleString("en-US");
  function num(v, digits) {
    if (!isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
  }
  function describe(name, v) {
    // a run's status (running, converged, stopped, diverged); of several runs', each with its label
    if (typeof v === "string") return name === "status" ? v : name.replace(/^status /, "") + " " + v;
    if (name === "psnr_db") return "PSNR " + v.toFixed(2) + " dB";
    if (name === "accuracy") return (100 * v).toFixed(1) + " % right";
    return name + " " + num(v, 4);
  }
  const epochPosition = (k) => Math.log1p(k) / Math.log1p(lastEpoch);

  // --- recorded frames -----------------------------------------------------------------------

  const image = $("frame");
  const scrubber = $("scrubber");
  const shown = columns.map((c, i) => [c, i + 1]).filter(([c]) => !/^cost_|^excess_cost$/.test(c));
  let current = 0;
  let timer = null;
  frames.forEach((src) => { new Image().src = src; });  // decoded once, so scrubbing is instant
  // photos at their working size are enlarged pixel for pixel; larger frames (plots) shrink smoothly
  image.addEventListener("load", () => image.classList.toggle("smooth", image.naturalWidth >= image.clientWidth));

  function show(i) {
    current = Math.max(0, Math.min(frames.length - 1, i));
    image.src = frames[current];
    scrubber.value = String(Math.round(1000 * epochPosition(epochs[current])));
    const row = rows[current];
    $("readout").textContent = ["frame " + (current + 1) + " of " + frames.length, "epoch " + whole(row[0]),
      ...shown.map(([c, j]) => describe(c, row[j]))].join(" · ");
    drawCurve();
  }
  function nearest(position) {
    let best = 0;
    epochs.forEach((k, i) => {
      if (Math.abs(epochPosition(k) - position) < Math.abs(epochPosition(epochs[best]) - position)) best = i;
    });
    return best;
  }
  // each frame for its own time: longer where paintlr slowed a change that would flash too often
  const shownFor = (i) => (run.ms && run.ms[i]) || 1000 / run.fps;
  function play(on) {
    if (timer) clearTimeout(timer);
    timer = null;
    if (on) {
      if (current === frames.length - 1) show(0);
      const step = () => {
        if (current >= frames.length - 1) play(false);
        else { show(current + 1); timer = setTimeout(step, shownFor(current)); }
      };
      timer = setTimeout(step, shownFor(current));
    }
    $("play").innerHTML = timer ? "&#10074;&#10074;" : "&#9654;";
    $("play").setAttribute("aria-label", timer ? "pause" : "play");
  }
  $("play").addEventListener("click", () => play(!timer));
  $("prev").addEventListener("click", () => { play(false); show(current - 1); });
  $("next").addEventListener("click", () => { play(false); show(current + 1); });
  scrubber.addEventListener("input", () => { play(false); show(nearest(scrubber.value / 1000)); });
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== "range") return;
    const keys = { " ": () => play(!timer), ArrowLeft: () => show(current - 1), ArrowRight: () => show(current + 1),
      Home: () => show(0), End: () => show(frames.length - 1) };
    if (!(e.key in keys) || e.target === $("learning-rate") || e.target === $("epoch")) return;
    e.preventDefault();
    if (e.key !== " ") play(false);
    keys[e.key]();
  });
  epochs.forEach((k) => {
    const tick = document.createElement("span");
    tick.style.left = (100 * epochPosition(k)).toFixed(2) + "%";
    $("ticks").appendChild(tick);
  });

  // --- the cost curve: log cost against log(1 + epoch), a dot per frame ----------------------

  const curve = $("curve");
  const plotted = columns.map((c, i) => [c, i + 1]).filter(([c]) => /^cost( \(|$)/.test(c));
  const COLOURS = ["#1f6fd1", "#d9730d", "#2e9e4f", "#c0392b", "#7b4bb7", "#8c6d1f", "#d4458f", "#5f6b7a"];
  const margin = { left: 58, right: 14, top: 14, bottom: 40 };
  const costs = plotted.flatMap(([, j]) => rows.map((r) => r[j])).filter((v) => isFinite(v) && v > 0);
  const yLo = Math.floor(Math.log10(costs.reduce((a, b) => Math.min(a, b), 1)));
  const yHi = Math.ceil(Math.log10(costs.reduce((a, b) => Math.max(a, b), 1e-12)) + 1e-9);
  function curveX(k) { return margin.left + epochPosition(k) * (curve.width - margin.left - margin.right); }
  function curveY(v) {
    const t = (Math.log10(Math.max(v, 10 ** yLo)) - yLo) / Math.max(yHi - yLo, 1);
    return curve.height - margin.bottom - t * (curve.height - margin.top - margin.bottom);
  }
  function drawCurve() {
    const g = curve.getContext("2d");
    g.clearRect(0, 0, curve.width, curve.height);
    g.font = "11px system-ui, sans-serif";
    g.fillStyle = "#60646c";
    g.strokeStyle = "#e6e8eb";
    g.lineWidth = 1;
    const step = Math.max(1, Math.ceil((yHi - yLo) / 6));
    g.textAlign = "right";
    for (let e = yLo; e <= yHi; e += step) {
      g.beginPath(); g.moveTo(margin.left, curveY(10 ** e)); g.lineTo(curve.width - margin.right, curveY(10 ** e)); g.stroke();
      g.fillText("1e" + e, margin.left - 6, curveY(10 ** e) + 4);
    }
    g.textAlign = "center";
    const decades = Math.ceil(Math.log10(lastEpoch + 1));
    const every = Math.max(1, Math.ceil(decades / 6));
    for (let e = 0; e <= decades; e += every) {
      const k = e === 0 ? 0 : 10 ** e;
      if (k > lastEpoch * 1.0001 && e > 0) break;
      g.beginPath(); g.moveTo(curveX(k), margin.top); g.lineTo(curveX(k), curve.height - margin.bottom); g.stroke();
      g.fillText(e === 0 ? "0" : e < 4 ? whole(k) : "1e" + e, curveX(k), curve.height - margin.bottom + 14);
    }
    g.fillText("epoch (log scale)", (margin.left + curve.width - margin.right) / 2, curve.height - 6);
    g.save(); g.translate(14, (curve.height - margin.bottom + margin.top) / 2); g.rotate(-Math.PI / 2);
    g.fillText("cost", 0, 0); g.restore();
    plotted.forEach(([, j], n) => {
      g.strokeStyle = g.fillStyle = COLOURS[n % COLOURS.length];
      g.lineWidth = 1.6;
      g.beginPath();
      rows.forEach((r, i) => { if (isFinite(r[j])) g[i ? "lineTo" : "moveTo"](curveX(r[0]), curveY(r[j])); });
      g.stroke();
      rows.forEach((r) => { if (isFinite(r[j])) { g.beginPath(); g.arc(curveX(r[0]), curveY(r[j]), 2, 0, 7); g.fill(); } });
    });
    const x = curveX(epochs[current]);
    g.strokeStyle = "#1d1d1f";
    g.setLineDash([3, 3]);
    g.beginPath(); g.moveTo(x, margin.top); g.lineTo(x, curve.height - margin.bottom); g.stroke();
    g.setLineDash([]);
    plotted.forEach(([, j]) => {
      const v = rows[current][j];
      if (isFinite(v)) { g.fillStyle = "#1d1d1f"; g.beginPath(); g.arc(x, curveY(v), 4.5, 0, 7); g.fill(); }
    });
  }
  if (plotted.length > 1) {  // under the plot, where no curve can cover it
    $("curve-legend").hidden = false;
    plotted.forEach(([name], n) => {
      const entry = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = COLOURS[n % COLOURS.length];
      entry.append(swatch, name);
      $("curve-legend").appendChild(entry);
    });
  }
  curve.addEventListener("click", (e) => {
    const box = curve.getBoundingClientRect();
    const px = (e.clientX - box.left) * (curve.width / box.width);
    play(false);
    show(nearest((px - margin.left) / (curve.width - margin.left - margin.right)));
  });

  // --- log-scale sliders whose value is the quantity itself ---------------------------------
  // A range input whose value, min and max are the learning rate or the epoch itself (so it
  // can be set exactly), drawn and dragged on a log scale (log1p for epochs, which start at 0):
  // the input's own thumb is hidden and a wrapper maps pointer and arrow keys through the log.

  function logSlider(el, lo, hi, whole) {
    const f = whole ? Math.log1p : Math.log;
    const inverse = whole ? (t) => Math.round(Math.expm1(t)) : Math.exp;
    const share = (v) => Math.min(1, Math.max(0, (f(v) - f(lo)) / (f(hi) - f(lo))));
    const at = (t) => Math.min(hi, Math.max(lo, inverse(f(lo) + Math.min(1, Math.max(0, t)) * (f(hi) - f(lo)))));
    el.min = String(lo); el.max = String(hi); el.step = whole ? "1" : "any";
    el.classList.add("log-slider");
    const wrap = document.createElement("span");
    wrap.className = "log-wrap";
    el.replaceWith(wrap);
    wrap.appendChild(el);
    const thumb = document.createElement("span");
    thumb.className = "log-thumb";
    wrap.appendChild(thumb);
    const place = () => { thumb.style.left = (100 * share(el.valueAsNumber)).toFixed(3) + "%"; };
    const set = (v) => {
      el.value = String(v);
      place();
      el.dispatchEvent(new Event("input", { bubbles: true }));
    };
    let dragging = false;
    const follow = (e) => { const box = wrap.getBoundingClientRect(); set(at((e.clientX - box.left) / box.width)); };
    wrap.addEventListener("pointerdown", (e) => { dragging = true; wrap.setPointerCapture(e.pointerId); el.focus(); follow(e); });
    wrap.addEventListener("pointermove", (e) => { if (dragging) follow(e); });
    wrap.addEventListener("pointerup", () => { dragging = false; el.dispatchEvent(new Event("change", { bubbles: true })); });
    el.addEventListener("keydown", (e) => {
      const moves = { ArrowRight: 0.01, ArrowUp: 0.01, ArrowLeft: -0.01, ArrowDown: -0.01, PageUp: 0.1, PageDown: -0.1 };
      if (!(e.key in moves)) return;
      e.preventDefault();
      e.stopPropagation();
      set(at(share(el.valueAsNumber) + moves[e.key]));
    });
    el.addEventListener("input", place);
    el.place = place;
    return el;
  }

  // --- live: the closed form of batch gradient descent ---------------------------------------

  const live = run.live;
  let frameAt = null;
  let fitAt = null;

  function bytes(base64) {
    const text = atob(base64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function onehotLive(spec) {
    // per channel, the residual's mean shrinks by 1 - rate (n + 1) / n per epoch and its
    // zero-mean part by 1 - rate / n: the picture is (1 - a) y + a mean(y) + g (start - mean(y))
    const { width, height, channels } = spec;
    const n = width * height;
    const target = bytes(spec.target);
    const y = new Float64Array(target.length);
    for (let i = 0; i < y.length; i++) y[i] = target[i] / 255;
    const mean = new Float64Array(channels);
    const detail = new Float64Array(channels);  // (1 / 2n) sum of (y - mean)^2
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let i = c; i < y.length; i += channels) s += y[i];
      mean[c] = s / n;
      let d = 0;
      for (let i = c; i < y.length; i += channels) d += (y[i] - mean[c]) ** 2;
      detail[c] = d / (2 * n);
    }
    const rates = (rate, epoch) => [pow1m(rate / n, epoch), pow1m((rate / n) * (n + 1), epoch)];
    function cost(rate, epoch) {
      const [a, g] = rates(rate, epoch);
      let total = 0;
      for (let c = 0; c < channels; c++) total += a * a * detail[c] + g * g * (spec.start[c] - mean[c]) ** 2 / 2;
      return total / channels;
    }
    function pixels(rate, epoch) {
      if (!(rate > 0 && rate < spec.maxStable)) return null;
      const [a, g] = rates(rate, Math.max(0, Math.round(epoch)));
      const out = new ImageData(width, height);
      const d = out.data;
      for (let p = 0; p < n; p++) {
        for (let c = 0; c < 3; c++) {
          const ch = channels === 1 ? 0 : c;
          const v = (1 - a) * y[p * channels + ch] + a * mean[ch] + g * (spec.start[ch] - mean[ch]);
          d[4 * p + c] = Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5);
        }
        d[4 * p + 3] = 255;
      }
      return out;
    }
    const canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height; canvas.className = "pixels";
    canvas.id = "live-canvas";
    $("live-stage").appendChild(canvas);
    frameAt = pixels;
    return {
      about: "The closed form of batch gradient descent on one-hot pixel samples: per colour channel, " +
        "the error's mean shrinks by |1 − rate·(n+1)/n| per epoch and the rest of the picture by " +
        "(1 − rate/n), n = " + whole(n) + " pixels. Nothing here was recorded: each picture is computed " +
        "from the photo and the start, at any epoch up to a billion.",
      draw(rate, epoch) {
        const picture = pixels(rate, epoch);
        if (picture) canvas.getContext("2d").putImageData(picture, 0, 0);
        const j = cost(rate, epoch);
        return picture ? "epoch " + whole(epoch) + " · cost " + num(j, 4) + " · PSNR " + psnr(j).toFixed(2) + " dB"
          : "cost after " + whole(epoch) + " epochs: " + num(j, 4);
      },
      alarm: (rate) => "Diverges: rate " + num(rate, 4) + " is at or past the stable limit 2n/(n+1) = " +
        num(spec.maxStable, 7) + ". The mean colour's error is multiplied by " + num(1 - (rate / n) * (n + 1), 5) +
        " every epoch and never settles.",
    };
  }

  function lineLive(spec) {
    // GD on J = (1/2m)|X theta - y|^2 with the 2 x 2 Gram matrix G = V diag(lam) V^T: each
    // eigen-coordinate z relaxes on its own, z_k = z_0 - (1 - (1 - rate lam)^k) / lam (lam z_0 - u)
    const [[g00, g01], [, g11]] = spec.gram;
    const half = (g00 - g11) / 2;
    const root = Math.hypot(half, g01);
    const lam = [(g00 + g11) / 2 + root, (g00 + g11) / 2 - root];
    const angle = 0.5 * Math.atan2(2 * g01, g00 - g11);
    const v = [[Math.cos(angle), -Math.sin(angle)], [Math.sin(angle), Math.cos(angle)]];  // columns: eigenvectors
    const proj = (t) => [v[0][0] * t[0] + v[1][0] * t[1], v[0][1] * t[0] + v[1][1] * t[1]];
    const z0 = proj(spec.start);
    const u = proj(spec.c);
    function theta(rate, epoch) {  // training units
      const z = [0, 1].map((i) => z0[i] - (lam[i] > 0 ? oneMinusPow1m(rate * lam[i], epoch) / lam[i] : epoch * rate) *
        (lam[i] * z0[i] - u[i]));
      return [v[0][0] * z[0] + v[0][1] * z[1], v[1][0] * z[0] + v[1][1] * z[1]];
    }
    const original = (t) => [t[0] - (t[1] / spec.std) * spec.mean, t[1] / spec.std];
    const training = (p) => [p[0] + p[1] * spec.mean, p[1] * spec.std];
    function costOf(t) {
      const j = 0.5 * (g00 * t[0] * t[0] + 2 * g01 * t[0] * t[1] + g11 * t[1] * t[1]) -
        (spec.c[0] * t[0] + spec.c[1] * t[1]) + 0.5 * spec.yy;
      return Math.max(j, 0);
    }
    function at(rate, epoch) {
      const t = theta(rate, Math.max(0, Math.round(epoch)));
      const [intercept, slope] = original(t);
      return { intercept, slope, cost: costOf(t), diverged: !(rate > 0 && rate < spec.maxStable) };
    }
    fitAt = at;
    const W = 440, H = 320, pad = 34;
    const points = document.createElement("canvas");
    const surface = document.createElement("canvas");
    for (const c of [points, surface]) { c.width = W; c.height = H; $("live-stage").appendChild(c); }
    points.id = "live-canvas";
    surface.id = "live-surface";
    const xs = spec.x, ys = spec.y;
    const span = (a) => { const lo = Math.min(...a), hi = Math.max(...a), p = 0.08 * (hi - lo || 1); return [lo - p, hi + p]; };
    const [x0, x1] = span(xs), [y0, y1] = span(ys);
    const px = (x) => pad + (x - x0) / (x1 - x0) * (W - 1.5 * pad);
    const py = (y) => H - pad - (y - y0) / (y1 - y0) * (H - 1.5 * pad);
    const [b0, b1, m0, m1] = spec.box;
    const sx = (b) => pad + (b - b0) / (b1 - b0) * (W - 1.5 * pad);
    const sy = (m) => H - pad - (m - m0) / (m1 - m0) * (H - 1.5 * pad);
    // the error surface: log J on a grid, shaded once (it does not depend on the rate)
    const shade = document.createElement("canvas");
    shade.width = W; shade.height = H;
    {
      const g = shade.getContext("2d");
      const img = g.createImageData(W, H);
      const best = costOf(training(spec.best));
      const logs = [];
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        const b = b0 + (c - pad) / (W - 1.5 * pad) * (b1 - b0), m = m0 + (H - pad - r) / (H - 1.5 * pad) * (m1 - m0);
        logs.push(Math.log(costOf(training([b, m])) - best + 1e-12 * (1 + best)));
      }
      const lo = logs.reduce((a, b) => Math.min(a, b)), hi = logs.reduce((a, b) => Math.max(a, b));
      logs.forEach((l, i) => {
        const t = (l - lo) / (hi - lo || 1);  // low J light, high J dark blue, in bands of equal log J
        const band = Math.floor(t * 14) % 2 ? 0.94 : 1;
        img.data[4 * i] = (247 - 239 * t) * band; img.data[4 * i + 1] = (251 - 203 * t) * band;
        img.data[4 * i + 2] = (255 - 148 * t) * band; img.data[4 * i + 3] = 255;
      });
      g.putImageData(img, 0, 0);
    }
    function axes(g, xlabel, ylabel) {
      g.strokeStyle = "#60646c"; g.fillStyle = "#60646c"; g.font = "11px system-ui, sans-serif";
      g.strokeRect(pad, pad / 2, W - 1.5 * pad, H - 1.5 * pad);
      g.textAlign = "center"; g.fillText(xlabel, W / 2, H - 8);
      g.save(); g.translate(11, H / 2); g.rotate(-Math.PI / 2); g.fillText(ylabel, 0, 0); g.restore();
    }
    return {
      about: "The closed form of batch gradient descent on J(b, m) = (1/2m) Σ (b + m x − y)²" +
        (spec.standardized ? " (trained on standardized x, drawn in the original units)" : "") +
        ": in the eigenbasis of its 2 × 2 Gram matrix each coordinate relaxes by (1 − rate·λ) per epoch. " +
        "Left: the points, the least-squares line (dashed) and the line at the chosen epoch. Right: the " +
        "error surface, shaded by log J, with the path gradient descent has taken.",
      draw(rate, epoch) {
        const now = at(rate, epoch);
        let g = points.getContext("2d");
        g.clearRect(0, 0, W, H);
        axes(g, spec.names[0], spec.names[1]);
        g.save(); g.beginPath(); g.rect(pad, pad / 2, W - 1.5 * pad, H - 1.5 * pad); g.clip();
        g.fillStyle = "#1d1d1f";
        xs.forEach((x, i) => { g.beginPath(); g.arc(px(x), py(ys[i]), 3, 0, 7); g.fill(); });
        const line = (b, m, colour, dash) => {
          g.strokeStyle = colour; g.lineWidth = 2; g.setLineDash(dash);
          g.beginPath(); g.moveTo(px(x0), py(b + m * x0)); g.lineTo(px(x1), py(b + m * x1)); g.stroke();
          g.setLineDash([]);
        };
        line(spec.best[0], spec.best[1], "#60646c", [6, 4]);
        if (!now.diverged) line(now.intercept, now.slope, "#1f6fd1", []);
        g.restore();
        g = surface.getContext("2d");
        g.clearRect(0, 0, W, H);
        g.drawImage(shade, 0, 0);
        g.clearRect(0, 0, W, pad / 2); g.clearRect(0, 0, pad, H); g.clearRect(0, H - pad, W, pad); g.clearRect(W - pad / 2, 0, pad, H);
        axes(g, "intercept b", "slope m");
        g.save(); g.beginPath(); g.rect(pad, pad / 2, W - 1.5 * pad, H - 1.5 * pad); g.clip();
        g.fillStyle = "#fff"; g.strokeStyle = "#1d1d1f";
        g.beginPath(); g.arc(sx(spec.best[0]), sy(spec.best[1]), 5, 0, 7); g.fill(); g.stroke();
        if (!now.diverged) {
          const k = Math.max(0, Math.round(epoch));
          const steps = new Set();
          for (let i = 0; i <= Math.min(k, 100); i++) steps.add(i);
          for (let i = 0; i <= 400; i++) steps.add(Math.min(k, Math.round(Math.exp(Math.log1p(k) * i / 400)) - 1));
          const path = [...steps].filter((s) => s >= 0).sort((a, b) => a - b).map((s) => { const p = at(rate, s); return [p.intercept, p.slope]; });
          g.strokeStyle = "#d9730d"; g.lineWidth = 1.8;
          g.beginPath(); path.forEach(([b, m], i) => g[i ? "lineTo" : "moveTo"](sx(b), sy(m))); g.stroke();
          g.fillStyle = "#d9730d"; g.beginPath(); g.arc(sx(now.intercept), sy(now.slope), 5, 0, 7); g.fill(); g.stroke();
        }
        g.restore();
        return "epoch " + whole(epoch) + " · intercept " + num(now.intercept, 6) + " · slope " + num(now.slope, 6) +
          " · cost " + num(now.cost, 5);
      },
      alarm: (rate) => "Diverges: rate " + num(rate, 4) + " is at or past the stable limit 2/λmax = " +
        num(spec.maxStable, 6) + ": along the steepest direction each step overshoots by more than it corrects.",
    };
  }

  if (live) {
    const view = live.kind === "onehot" ? onehotLive(live) : lineLive(live);
    const lo = Math.min(1e-3, live.rate / 10), hi = 2 * live.maxStable;
    const rate = logSlider($("learning-rate"), lo, hi, false);
    const epoch = logSlider($("epoch"), 0, 1e9, true);
    $("live-about").textContent = view.about;
    $("live").classList.toggle("wide", live.kind === "line");
    const limitAt = (100 * Math.log(live.maxStable / lo) / Math.log(hi / lo)).toFixed(1);
    $("rate-scale").innerHTML = "<span>" + num(lo, 2) + "</span><span class=limit>shaded: past the stable limit " +
      num(live.maxStable, 6) + "</span><span>" + num(hi, 3) + "</span>";
    $("learning-rate").style.background = "linear-gradient(to right, #c9ccd1 " + limitAt + "%, #d98b82 " + limitAt + "%)";
    const alarm = document.createElement("div");
    alarm.className = "alarm";
    alarm.hidden = true;
    $("live-stage").appendChild(alarm);
    function update() {
      const r = rate.valueAsNumber, k = epoch.valueAsNumber;
      $("learning-rate-value").value = String(r);
      $("epoch-value").value = String(k);
      const diverged = !(r < live.maxStable);
      alarm.hidden = !diverged;
      alarm.textContent = diverged ? view.alarm(r) : "";
      $("live-readout").textContent = "rate " + num(r, 6) + " · " + view.draw(r, k);
    }
    function reset() { rate.value = live.rate; epoch.value = live.epoch; rate.place(); epoch.place(); update(); }
    for (const el of [rate, epoch]) {
      el.addEventListener("input", () => { el.place(); update(); });
      el.addEventListener("change", update);
    }
    $("learning-rate-value").addEventListener("change", (e) => { rate.value = e.target.value; rate.place(); update(); });
    $("epoch-value").addEventListener("change", (e) => { epoch.value = e.target.value; epoch.place(); update(); });
    $("live-reset").addEventListener("click", reset);
    $("live").hidden = false;
    reset();
  }

  // --- the page ------------------------------------------------------------------------------

  document.title = run.title;
  $("title").textContent = run.title;
  $("subtitle").textContent = frames.length + " frames, epochs 0 to " + whole(epochs[epochs.length - 1] || 0) +
    "; showing the final frame (space plays from the start)" +
    (live ? "; below, the closed form at any learning rate and epoch" : "");
  $("command").textContent = run.command || "(made in Python)";
  $("summary").textContent = run.summary || "";
  if (run.note) { $("note").hidden = false; $("note").textContent = run.note; }
  window.paintlr = { run, frameAt, fitAt, show, play, get current() { return current; } };
  if (frames.length) show(frames.length - 1);
})();
