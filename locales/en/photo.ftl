# ConvNet Atlas: photo (en). Keys start with "photo-".
# The photo lab of the ImageNet networks: weights, the photo, the crop the network sees, the
# top-5, any layer's output, and what the network looks at. ImageNet's class names stay English.

## The lab
photo-title = Classify a photo
photo-status-reading = reading the photo…
photo-status-running = running the network…
photo-status-no-weights = load weights to classify
photo-status-ready = ready
photo-timing = preprocessing { $preprocess } ms · forward pass { $forward } ms on the { $engine } engine in the worker · worker memory { $memory }
photo-info = Photo: { $width }×{ $height } pixels, centre crop { $crop }×{ $crop }.
photo-info-resized = Photo: { $width }×{ $height } pixels, resized to { $resized-width }×{ $resized-height }, centre crop { $crop }×{ $crop }.
photo-reduced = { $name } has { $megapixels } megapixels ({ $width }×{ $height }); the browser first reduced it to { $reduced-width }×{ $reduced-height }, then torchvision's resize to { $resize } ran on that
photo-unit-in-map = { $layer }, map { $channel }, unit ({ $y }, { $x })
photo-unit-in-vector = { $layer }, unit { $unit }
photo-erf-computing = Computing the effective receptive field: a backward pass in the worker…
photo-erf-hint = Click a unit of a feature map below: its receptive field is drawn on the crop, and its effective receptive field — the pixels it actually depends on — appears here.

## The weights
photo-weights-title = Weights
photo-weights-missing = No weights loaded yet: { $network } needs { $params } parameters, a { $f32 } checkpoint in f32 ({ $f16 } in f16).
photo-weights-loading = Loading { $source } ({ $params } parameters):
photo-weights-progress = { $loaded } of { $total } ({ $percent } %)
photo-weights-so-far = { $loaded } so far
photo-weights-prepared-gpu = prepared once for the CPU engine (gradients, and the fallback) and for the WebGPU engine, which runs them while it is in use (the status line says which engine ran)
photo-weights-prepared-cpu = prepared once for the { $engine } engine (and for the WebGPU engine if it is chosen; the status line says which engine ran)
photo-weights-ready = Ready: the weights from { $source }, { $params } parameters. The worker holds { $memory } of networks, at most { $limit } (beyond that it unloads the one used longest ago).
photo-weights-how = How they were checked and prepared
photo-weights-how-text = Every tensor of the file was checked against { $network }'s description, its name and its shape, before anything ran; then the weights were { $prepared }.
photo-weights-none = No ImageNet weights were ever published for { $network }: its authors did not release theirs and torchvision trains only its own variants. You can still open a checkpoint of your own below.
photo-weights-nearest = Open { $nearest }, the closest network with published weights.
photo-unpublished-short = No ImageNet weights were ever published for { $network }: only a checkpoint of your own runs it.
photo-source-cached = { $label } (from this browser's cache)
photo-weights-kept = Until this finishes, the weights from { $source } stay in use.
photo-weights-open = Open a checkpoint (.pth or .safetensors)…
photo-weights-url-placeholder = https://…/checkpoint.pth or .safetensors
photo-weights-download = Download
photo-get-shipped = Use the ImageNet weights that come with the page ({ $size })
photo-get-hub = Get torchvision's ImageNet weights ({ $size } from Hugging Face: { $repo })
photo-get-torchvision = Get torchvision's ImageNet weights ({ $size } from download.pytorch.org)
photo-get-kept = kept in this browser: no download
photo-weights-cancel = Cancel
photo-weights-reload = Load them again from this browser ({ $source })
photo-kept-title = Weights kept in this browser: { $count } ({ $size })
photo-kept-none = This browser keeps no downloaded weights yet.
photo-kept-table = Weights kept in this browser
photo-kept-network = Network
photo-kept-size = Size
photo-kept-source = Source
photo-kept-date = Kept on
photo-kept-delete = Delete
photo-kept-delete-label = Delete the weights of { $network }
photo-kept-delete-all = Delete all
photo-kept-storage = This site stores { $used }; the browser allows { $left } more.
photo-kept-persisted = The browser keeps them until you delete them.
photo-kept-not-persisted = The browser may clear them when space runs short.
photo-kept-persist = Ask the browser to keep them
photo-hub-label = Hugging Face address:
photo-hub-save = Use it
photo-hub-bad = not a web address (https://…)
photo-hub-note = One-click downloads of torchvision's weights come from this address, under /timm/<name>.tv_in1k/resolve/main/model.safetensors: a classroom mirror or a local server can stand in for the Hub (?hub= in the page's address does the same).
photo-weights-official = torchvision's official checkpoint:{" "}
photo-weights-official-size = {" "}({ $size }). Downloaded files are kept in this browser's cache, so a second visit loads at once. If the server does not allow downloads from this page, save the file and open it above, or run{" "}
photo-weights-official-end = {" "}to serve it with the page.

## Where the photo comes from
photo-choose = Choose a photo…
photo-drop-hint = or drop one here, or paste (Ctrl+V). It stays on this computer.
photo-pasted-image = the pasted image
photo-sample-chelsea = Chelsea the cat — Stefan van der Walt, CC0 (scikit-image)
photo-sample-coffee = Coffee — Rachel Michetti, CC0 (scikit-image)
photo-sample-rocket = Falcon 9 — SpaceX, public domain (scikit-image)
photo-sample-hopper = Grace Hopper — public domain (matplotlib)

## What the network sees, and a unit's receptive field
photo-crop-caption = what the network sees: { $side }×{ $side } centre crop. Click a unit of a feature map below to see its receptive field here.
photo-input-preview = What the network sees: { $side }×{ $side }
photo-field = Receptive field { $height }×{ $width } pixels: rows { $y0 } to { $y1 }, columns { $x0 } to { $x1 }; neighbouring units are { $jump } pixels apart.
photo-field-padding = Receptive field { $height }×{ $width } pixels: rows { $y0 } to { $y1 }, columns { $x0 } to { $x1 }; neighbouring units are { $jump } pixels apart; { $padding } % of it lies in the zero padding around the image (hatched).
photo-field-of = { $unit }: { $field }

## A digit's prediction
photo-sure = { $percent }% sure
photo-draw-digit = draw a digit

## Inside the network
photo-explorer-title = Inside the network
photo-layer-label = Layer:{" "}
photo-layer-reading = Reading the layer's output from the worker…
photo-layer-stats = { $layer } · output { $shape } · { $count } values · { $stats }
photo-stats = min { $min } · max { $max } · mean { $mean } · { $zeros } % zeros
photo-channel = channel { $channel }
photo-channel-of = channel { $channel } of { $channels } · { $height }×{ $width } · { $stats }
photo-unit-value = unit ({ $y }, { $x }) = { $value }
photo-explorer-hint = hover the map to read a unit; click one (or focus the map and use the arrow keys) to see what it sees
photo-explorer-hint-touch = tap the map to read a unit and see what it sees
photo-map-role = feature map
photo-map-label = { $layer } map { $channel }: click a unit, or use the arrow keys

## What the network looks at
photo-attention-title = What the network looks at
photo-square = square{" "}
photo-stride = stride{" "}
photo-forward-passes = { $n } { $n ->
        [one] forward pass
       *[other] forward passes
    }
photo-occlusion-run = Occlusion map
photo-cancel = Cancel
photo-saliency-run = Saliency map
photo-occlusion-progress = { $done } of { $total } places of the square
photo-occlusion-cancelled = Cancelled after { $done } of { $total } places.
photo-occlusion-caption = Occlusion: a grey { $patch }×{ $patch } square every { $stride } pixels ({ $places } places, { $seconds } s on the { $engine } engine); the colour is how much the probability of “{ $class }” ({ $base } % on the whole photo) drops with the square over that spot, averaged where squares overlap. Largest drop: { $drop } points.
photo-occlusion-switched = The GPU failed part way: { $passes ->
        [one] the first forward pass ran
       *[other] the first { $passes } forward passes ran
    } on the { $first } engine, the rest on the { $then } engine.
photo-occlusion-low = probability rises
photo-occlusion-high = probability drops
photo-saliency-computing = Computing the gradient: a backward pass in the worker…
photo-saliency-caption = Saliency: |∂ score of “{ $class }” / ∂pixel|, the largest over the three colour channels, by backpropagation ({ $ms } ms in the worker, on the CPU: candle's autograd). Red pixels change the score most.
photo-saliency-high = max |∂score/∂pixel|
photo-class-fallback = class { $index }

## A shared link that names a layer or a unit
photo-link-wants-layer = This link opens layer { $layer }: load the weights and a photo (they stay in your browser) to see its feature maps.
photo-link-wants-unit = This link opens unit { $channel } at ({ $y }, { $x }) of layer { $layer }: load the weights and a photo (they stay in your browser) to see it and its receptive field.
photo-evicted = To stay within { $limit }, the worker unloaded { $count ->
    [one] { $networks }, the network used longest ago; its page offers it again.
   *[other] { $networks }, the networks used longest ago; their pages offer them again.
}
