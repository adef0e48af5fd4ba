// The interactive viewer page of one subject: the scan with the prediction and, where the subject
// has one, the ground truth as overlays (the QC picture's colours), drawn by NiiVue (WebGL2), with
// a view choice, a slice slider and an opacity control. Made to open from disk (file://) with no
// network: NiiVue comes as a classic script copied beside the run, and the volumes come from a
// classic script that sets their gzipped NIfTI bytes as base64 ({@link viewerDataScript}), since
// Chromium refuses fetch and ES modules from file:// pages. Every value from data is escaped by
// the `html` tagged template.
import { html, trustedHtml } from '../reports/html.js';
import { QC_COLOURS, type DisplayConvention } from '../qc/qc-picture.js';

/** The global the data script sets and the page reads. */
export const VIEWER_DATA_GLOBAL = 'SEAHORSE_VIEWER_DATA';

/** What the viewer shows, as the data script carries it. */
export interface ViewerData {
  /** The scan (first channel) as a gzipped NIfTI file, base64. */
  readonly scan: string;
  /** The segmentation (structure `i` is label `i + 1`) as a gzipped NIfTI file, base64. */
  readonly prediction: string;
  /**
   * The ground truth's surface (its voxels with a face neighbour outside the structure) as a label
   * map on the segmentation's grid (same labels), gzipped NIfTI, base64: drawn over the filled
   * prediction, so both show where they overlap. Null when the subject has none.
   */
  readonly groundTruth: string | null;
  /** Where the page opens: a world point (mm), e.g. the prediction's centroid. */
  readonly focusMm: readonly [number, number, number];
}

/** The page's text and links. */
export interface ViewerPageInput {
  readonly title: string;
  /** Structure names in class order. */
  readonly structures: readonly string[];
  /** Whether the subject has ground truth (else the legend says "no ground truth"). */
  readonly labelled: boolean;
  /** Structures nothing was predicted for, named on the page. */
  readonly emptyStructures?: readonly string[];
  /** Relative URL of NiiVue's classic script. */
  readonly niivueSrc: string;
  /** Relative URL of the data script ({@link viewerDataScript}). */
  readonly dataSrc: string;
  /** Default `'radiological'`, as the QC picture. */
  readonly convention?: DisplayConvention;
  /** A relative link back to the report, when there is one. */
  readonly reportHref?: string;
}

/** The data script: one classic script that sets {@link VIEWER_DATA_GLOBAL} (JSON, so nothing in it is code but the assignment). */
export function viewerDataScript(data: ViewerData): string {
  return `window.${VIEWER_DATA_GLOBAL} = ${JSON.stringify(data)};\n`;
}

/** `#ff8c00` → `[255, 140, 0]`. */
function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

// The page's script: plain ES2020, no imports. It sets data-state on <body> ("ready" or "error")
// so that a person sees what happened and a test can wait for it.
const SCRIPT = String.raw`
(function () {
  var body = document.body, status = document.getElementById('status');
  var config = JSON.parse(document.getElementById('viewer-config').textContent);
  function fail(message) { body.dataset.state = 'error'; status.textContent = message; }
  var data = window.${VIEWER_DATA_GLOBAL};
  if (!window.niivue || !window.niivue.Niivue) return fail('NiiVue did not load (' + config.niivueSrc + ' is missing or blocked).');
  if (!data) return fail('The volumes did not load (' + config.dataSrc + ' is missing).');
  var canvas = document.getElementById('gl');
  if (!canvas.getContext('webgl2')) return fail('This browser has no WebGL2: the viewer cannot draw. The QC picture (qc.png) shows the same segmentation.');
  var nv = new niivue.Niivue({
    backColor: [0, 0, 0, 1], show3Dcrosshair: false, isOrientCube: false, dragAndDropEnabled: false,
    crosshairColor: [1, 1, 0, 0.5], crosshairWidth: 1, isNearestInterpolation: true, isRadiologicalConvention: config.convention === 'radiological', loadingText: 'loading…',
  });
  function colormap(c) { return { R: [0, c[0], c[0]], G: [0, c[1], c[1]], B: [0, c[2], c[2]], A: [0, 255, 255], I: [0, 1, 255] }; }
  var opacity = document.getElementById('opacity'), slice = document.getElementById('slice'), view = document.getElementById('view');
  var axes = { axial: 2, coronal: 1, sagittal: 0 };
  var types = { axial: niivue.SLICE_TYPE.AXIAL, coronal: niivue.SLICE_TYPE.CORONAL, sagittal: niivue.SLICE_TYPE.SAGITTAL };
  function dims() { var d = nv.volumes[0].dimsRAS; return [d[1], d[2], d[3]]; }
  function showSlice() {
    var axis = axes[view.value], n = dims()[axis], k = Number(slice.value);
    nv.scene.crosshairPos[axis] = (k + 0.5) / n;
    nv.drawScene();
    document.getElementById('slice-label').textContent = view.value + ' slice ' + (k + 1) + ' of ' + n;
  }
  function setView() {
    var axis = axes[view.value], n = dims()[axis];
    nv.setSliceType(types[view.value]);
    slice.max = String(n - 1);
    slice.value = String(Math.max(0, Math.min(n - 1, Math.floor(nv.scene.crosshairPos[axis] * n))));
    showSlice();
  }
  function opacityLabel() { document.getElementById('opacity-label').textContent = 'overlay opacity ' + opacity.value + '%'; }
  function setOpacity() {
    // Every overlay's opacity, then one refresh of the layers (each refresh recomposes every volume).
    var a = Number(opacity.value) / 100;
    for (var i = 1; i < nv.volumes.length; i++) nv.volumes[i].opacity = a;
    nv.updateGLVolume();
    opacityLabel();
  }
  (async function () {
    await nv.attachToCanvas(canvas);
    nv.addColormap('seahorse-prediction', colormap(config.colours.prediction));
    nv.addColormap('seahorse-ground-truth', colormap(config.colours.groundTruth));
    var a = Number(opacity.value) / 100;
    var volumes = [await niivue.NVImage.loadFromBase64({ base64: data.scan, name: 'scan.nii.gz' })];
    volumes.push(await niivue.NVImage.loadFromBase64({ base64: data.prediction, name: 'prediction.nii.gz', colormap: 'seahorse-prediction', opacity: a }));
    if (data.groundTruth) volumes.push(await niivue.NVImage.loadFromBase64({ base64: data.groundTruth, name: 'ground-truth.nii.gz', colormap: 'seahorse-ground-truth', opacity: a }));
    for (var i = 0; i < volumes.length; i++) {
      // Labels: 0 transparent, every structure in the overlay's colour, whatever the volume's range (an empty prediction too).
      if (i > 0) { volumes[i].cal_min = 0; volumes[i].cal_max = 1; }
      nv.addVolume(volumes[i]);
    }
    nv.scene.crosshairPos = nv.mm2frac(data.focusMm);
    view.addEventListener('change', setView);
    slice.addEventListener('input', showSlice);
    opacity.addEventListener('input', setOpacity);
    opacityLabel();
    setView();
    body.dataset.state = 'ready';
    status.textContent = '';
  })().catch(function (err) { fail('The viewer could not show the volumes: ' + (err && err.message ? err.message : err)); });
})();
`;

/** The viewer page of one subject (see the module comment); its volumes come from `dataSrc`. */
export function viewerPageHtml(input: ViewerPageInput): string {
  const convention = input.convention ?? 'radiological';
  const config = {
    niivueSrc: input.niivueSrc, dataSrc: input.dataSrc, convention,
    colours: { prediction: rgb(QC_COLOURS.prediction), groundTruth: rgb(QC_COLOURS.groundTruth) },
  };
  // JSON inside <script type="application/json">: `<` escaped so no value can close the element.
  const configJson = JSON.stringify(config).replace(/</g, '\\u003c');
  const swatch = (colour: string) => html`<span class="swatch" style="background:${colour}"></span>`;
  const empty = input.emptyStructures ?? [];
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${input.title}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:1rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.3rem}.meta{color:#57606a;font-size:.85rem}
.legend span.item{margin-right:1.2rem}.swatch{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.3em;border:1px solid #0003}
.controls{display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}.controls label{font-size:.9rem}
html,body{background:#fff}#view-box{width:100%;height:640px;background:#000}canvas#gl{display:block}
#status{color:#b00020}.warn{color:#9a6700}
</style></head>
<body data-state="loading">
<h1>${input.title}</h1>
<p class="legend"><span class="item">${swatch(QC_COLOURS.prediction)}prediction</span>${
  input.labelled ? html`<span class="item">${swatch(QC_COLOURS.groundTruth)}ground truth (its surface, over the prediction)</span>` : html`<span class="item" id="no-ground-truth">no ground truth</span>`}<span class="meta">structures: ${input.structures.map((s, i) => `${s} (label ${i + 1})`).join(', ')}; ${convention} convention${
  convention === 'radiological' ? ' (the patient\'s right on the left)' : ' (the patient\'s left on the left)'}</span></p>
${empty.length > 0 ? html`<p class="warn" id="empty-prediction">Empty prediction: nothing predicted for ${empty.join(', ')}.</p>` : ''}
<div class="controls">
<label>view <select id="view"><option value="axial" selected>axial</option><option value="coronal">coronal</option><option value="sagittal">sagittal</option></select></label>
<label><span id="slice-label">slice</span> <input type="range" id="slice" min="0" max="0" value="0" step="1"></label>
<label><span id="opacity-label">overlay opacity</span> <input type="range" id="opacity" min="0" max="100" value="60" step="1"></label>
${input.reportHref ? html`<a href="${input.reportHref}">back to the report</a>` : ''}
</div>
<p id="status">loading…</p>
<div id="view-box"><canvas id="gl"></canvas></div>
<p class="meta">Drawn in this browser by NiiVue (WebGL2) from files beside this page; nothing is fetched from the network. Click in the picture to move the crosshair.</p>
<script type="application/json" id="viewer-config">${trustedHtml(configJson)}</script>
<script src="${input.niivueSrc}"></script>
<script src="${input.dataSrc}"></script>
<script>${trustedHtml(SCRIPT)}</script>
</body></html>
`.value;
}
