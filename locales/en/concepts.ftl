# ConvNet Atlas: concepts (en). Keys start with "concepts-".
# The Concepts page and its panels: 5×5 against stacked 3×3, VGG's first block, the Inception
# module and its cost, GoogLeNet's strip, receptive fields, residual blocks, the gradient highway.

## The page

concepts-page-title = Concepts
concepts-page-lead = The ideas of the course notes, each on the networks that introduced it.
concepts-page-toc = On this page
concepts-page-toc-kernels = 5×5 or stacked 3×3
concepts-page-toc-inception = Inception step by step
concepts-page-toc-fields = receptive fields
concepts-page-toc-gradients = gradient highway
concepts-page-toc-after = after ResNet
concepts-page-after-title = The networks after ResNet

## Shared pieces

concepts-sep-comma = ,{" "}
concepts-sep-and = {" "}and{" "}
concepts-reading-maps = Reading the maps from the worker…

## One large convolution or a stack of 3×3

concepts-kernel-title = One large convolution or a stack of 3×3?
concepts-kernel-lead = VGG replaced the large kernels of AlexNet and ZFNet with stacks of 3×3 convolutions. Set the number of channels C (in and out) and the side H of the maps (stride 1, padding keeps the size) and compare.
concepts-kernel-compare = Compare
concepts-kernel-toggle = { $k }×{ $k } vs { $stack }
concepts-kernel-variant-one = one { $k }×{ $k }
concepts-kernel-variant-stacked = { $n } stacked { $k }×{ $k }
concepts-kernel-input-range = { $what } must be between 1 and { $max }
concepts-kernel-input-whole = { $what } must be a whole number (1 to { $max })
concepts-kernel-input-error = { $error }; the table shows the last valid values.
concepts-kernel-table = Kernel comparison
concepts-kernel-col-variant = variant
concepts-kernel-col-params = parameters (weights + biases)
concepts-kernel-col-macs = multiply-adds
concepts-kernel-col-rf = receptive field
concepts-kernel-col-nonlin = non-linearities
concepts-kernel-per-conv = per convolution: { $params }
concepts-kernel-summary = With C = { $c } and H = W = { $h }: { $n } stacked 3×3 convolutions hold { $many_params } parameters against { $one_params } for one { $k }×{ $k } ({ $fewer } % fewer), cost { $many_macs } multiply-adds against { $one_macs }, see the same { $rf }×{ $rf } window, and put { $nonlin } ReLUs where the single layer has one. Weights alone: { $n }·9C² = { $n9 }C² against { $kk }C².

## How stacked fields compose (the picture)

concepts-fields-input = input: { $w }×{ $w } pixels
concepts-fields-unit = 3×3 layer { $j }: one unit
concepts-fields-layer = 3×3 layer { $j }: { $w }×{ $w } units
concepts-fields-big-unit = one { $k }×{ $k } layer: one unit
concepts-fields-aria = { $n } stacked 3×3 layers see a { $rf }×{ $rf } window, as one { $k }×{ $k } layer does
concepts-fields-caption = Top: the unit of the last 3×3 layer reads a 3×3 window of the layer below; each of those units reads 3×3 of the layer under it, so the window grows by 2 a layer and reaches { $rf }×{ $rf } on the input. Bottom: one { $k }×{ $k } layer sees the same { $rf }×{ $rf } in one step.
concepts-fields-photo = {" "}The input cells are the photo's own pixels, at the centre of the crop.

## VGG's first block on the last photo

concepts-vgg-note = Classify a photo with { $network } above to see its first block's { $n } stacked { $k }×{ $k } convolutions here, layer by layer.
concepts-vgg-title = { $network }'s first block on { $photo }
concepts-vgg-show = Show
concepts-vgg-maps-option = maps { $from }–{ $to }
concepts-vgg-conv = { $kh }×{ $kw } conv
concepts-vgg-layer-head = layer { $index }: { $conv } ({ $what } + { $act }), { $shape } — each unit sees { $rf }×{ $rf } pixels
concepts-vgg-crop-caption = the { $side }×{ $side } crop the first layer reads

## The Inception module, step by step

concepts-inception-title = The Inception module, step by step
concepts-inception-aria = Inception module: use the left and right arrow keys to step
concepts-inception-module = Module
concepts-inception-prev = ← previous
concepts-inception-next = next →
concepts-inception-step-count = step { $step } of { $steps }
concepts-inception-output = output
concepts-inception-params = parameters
concepts-inception-macs = multiply-adds
concepts-inception-depth = concatenation so far
concepts-inception-depth-maps = { $c } maps
concepts-inception-maps-head = { $layer } on { $photo }: { $shape }
concepts-inception-maps-head-first = { $layer } on { $photo }: { $shape } (first { $shown } of { $c } maps)
concepts-inception-classify = Classify a photo with { $network } above to see each step's maps here.
concepts-inception-diagram-aria = The Inception module: input, four branches, concatenation
concepts-inception-input-title = Input: { $c } maps of { $h }×{ $w }
concepts-inception-input-note = Every branch reads this same input.
concepts-inception-concat-title = Concatenation: { $parts } = { $c } maps of { $h }×{ $w }
concepts-inception-concat-note = The branches' outputs are stacked along the channels; every branch kept the input's height and width (padding), so they fit.
concepts-inception-pool-title-max = Branch 4: { $kh }×{ $kw } max pooling, stride { $stride }, padding { $padding }
concepts-inception-pool-title-avg = Branch 4: { $kh }×{ $kw } average pooling, stride { $stride }, padding { $padding }
concepts-inception-pool-note = Pooling keeps all { $c } input maps: without the projection that follows, this branch alone would pass the whole input depth on.
concepts-inception-reduce-title = Branch { $branch }: 1×1 reduction to { $c } maps
concepts-inception-proj-title = Branch 4: 1×1 projection, { $c } filters
concepts-inception-conv-title = Branch { $branch }: { $k }×{ $k } convolution, { $c } filters
concepts-inception-torchvision-note = torchvision uses a 3×3 convolution here where the paper has a 5×5 (its weights were ported from a TensorFlow model that did).
concepts-inception-reduce-note-3x3 = A bottleneck: { $in } maps in, { $out } out, so at each position the 3×3 after it multiplies { $out } input maps instead of { $in }, cutting its work by a factor of { $ratio }.
concepts-inception-reduce-note-next = A bottleneck: { $in } maps in, { $out } out, so at each position the next convolution multiplies { $out } input maps instead of { $in }, cutting its work by a factor of { $ratio }.
concepts-inception-short-input = input · { $c }
concepts-inception-short-concat = concat · { $c }
concepts-inception-short-pool-max = { $kh }×{ $kw } max pool
concepts-inception-short-pool-avg = { $kh }×{ $kw } avg pool
concepts-inception-short-reduce = { $k }×{ $k } reduce · { $c }
concepts-inception-short-proj = { $k }×{ $k } proj · { $c }
concepts-inception-short-conv = { $k }×{ $k } conv · { $c }

## What the 1×1 bottlenecks save

concepts-cost-title = What the 1×1 bottlenecks save
concepts-cost-lead = The notes' example: a { $h }×{ $w }×{ $c } input; { $c1 } 1×1, { $c3 } 3×3 and { $c5 } 5×5 filters and a 3×3 max pool. The bottleneck version first reduces to { $r3 } maps before the 3×3 and to { $r5 } before the 5×5, and projects the pool's { $c } maps to { $pool }.
concepts-cost-toggle-aria = Module
concepts-cost-naive-module = naive module
concepts-cost-bottleneck-module = with 1×1 bottlenecks
concepts-cost-naive = naive
concepts-cost-bottleneck = with bottlenecks
concepts-cost-naive-note = multiply-adds, { $c } maps out
concepts-cost-bottleneck-note = multiply-adds, { $c } maps out ({ $ratio }× fewer)
concepts-cost-col-term = term
concepts-cost-col-formula = H·W·filters · k·k·input depth
concepts-cost-col-macs = multiply-adds
concepts-cost-total = total
concepts-cost-term = { $k }×{ $k } conv, { $c }
concepts-cost-slide-note = The slide the notes copy prints “{ $printed }M ops”, but its own six terms add up to { $total }. The printed figure matches the sum with the { $term } term ({ $term_macs }) counted twice — or computed on twice its input maps — { $sum }; the slide does not say which.
concepts-cost-slide-note-plain = The slide the notes copy prints “{ $printed }M ops”; the terms add up to { $total }.

## GoogLeNet end to end (the strip)

concepts-strip-step-through = step through { $module }
concepts-strip-paper = {" "}(paper)
concepts-strip-aux-paper = { $aux }, in the paper: { $layers }. Its loss helps training only; torchvision's pretrained GoogLeNet drops it after loading the checkpoint, as this description does
concepts-strip-aux = { $aux }: { $layers }. Its loss is added with weight 0.3 in training; it is dropped at inference
concepts-strip-aux-text = { $parts } ({ $params } parameters)
concepts-strip-pool-avg = { $kh }×{ $kw }/{ $stride } average pool
concepts-strip-pool-max = { $kh }×{ $kw }/{ $stride } max pool
concepts-strip-conv = { $kh }×{ $kw } conv, { $c } filters
concepts-strip-fc = fully connected { $n }
concepts-strip-dropout = dropout { $p }
concepts-strip-note-paper = The paper's { $n } auxiliary classifiers hang off { $after }. torchvision's GoogLeNet can build them too, but its pretrained model drops them after loading the checkpoint — they only serve training — and so does this description.
concepts-strip-note = The { $n } auxiliary classifiers hang off { $after }: during training their losses (weight 0.3) push gradient into the middle of the network; at inference they are dropped.

## Receptive field against depth

concepts-rf-title = How far one unit sees, layer by layer
concepts-rf-add-label = Add a network
concepts-rf-choose = choose…
concepts-rf-add = Add
concepts-rf-remove = remove { $network }
concepts-rf-chip = { $network }: { $rf } px at depth { $depth } (input { $side })
concepts-rf-point = { $network } · { $layer } (depth { $depth }): field { $rf }×{ $rf } px, jump { $jump }
concepts-rf-aria = Receptive field and jump in input pixels against depth
concepts-rf-x-axis = depth (convolution and pooling layers on the longest path)
concepts-rf-y-axis = input pixels (log scale)
concepts-rf-note = Solid: the side of one unit's receptive field. Dashed: the jump, the distance in input pixels between neighbouring units. Thin line: the input's side — beyond it a unit's field reaches into the padding on every side. At each depth the layer with the largest field is shown (a 1×1 branch beside a 3×3 sees less).

## The effective receptive field of a unit

concepts-erf-zero = The unit does not depend on the image here: its gradient is zero everywhere (a ReLU that is off, for instance).
concepts-erf-caption = Effective receptive field: |∂unit/∂pixel| by backpropagation (square-root colour scale). { $inside } % of it lies inside the theoretical { $rh }×{ $rw } field; half of it lies within a { $half }×{ $half } square around the centre.{ $millis }
concepts-erf-caption-flat = |∂unit/∂pixel| by backpropagation (square-root colour scale). The unit comes after the maps are flattened: no theoretical field bounds it, and the heat shows the pixels it depends on.{ $millis }
concepts-erf-millis = {" "}Backward pass: { $ms } ms in the worker, on the CPU (candle's autograd, whichever engine runs the forward pass).
concepts-erf-legend-max = max |∂unit/∂pixel|

## Residual blocks

concepts-residual-title = Residual blocks: what the shortcut carries
concepts-residual-lead = A residual block outputs F(x) + x: its layers learn only the correction F to their input.
concepts-residual-lead-projection = {" "}Where the maps shrink or widen, the shortcut becomes a 1×1 convolution with stride (a projection), so the two can be added.
concepts-residual-lead-zero-pad = {" "}Where the maps shrink or widen, the shortcut keeps every second pixel and fills the new channels with zeros: no parameters.
concepts-residual-block-label = Block
concepts-residual-block-figures = { $kind }: { $params } parameters, { $macs } multiply-adds
concepts-residual-kind-basic = basic block (two 3×3 convolutions)
concepts-residual-kind-bottleneck = bottleneck block (1×1 reduce, 3×3, 1×1 expand)
concepts-residual-kind-other = block of { $n } convolutions
concepts-residual-kind-basic-short = basic
concepts-residual-kind-bottleneck-short = bottleneck
concepts-residual-kind-other-short = { $n } convolutions
concepts-residual-shortcut-identity = identity
concepts-residual-shortcut-projection = projection
concepts-residual-shortcut-zero-pad = zero-padded identity
concepts-residual-compare-aria = Basic and bottleneck blocks
concepts-residual-compare-caption = The same place in ResNet-34 (basic blocks) and ResNet-50 (bottlenecks)
concepts-residual-col-block = block
concepts-residual-col-kind = kind
concepts-residual-col-shapes = x → output
concepts-residual-col-shortcut = shortcut
concepts-residual-col-params = parameters
concepts-residual-col-macs = multiply-adds
concepts-residual-map-label = Map
concepts-residual-map-option = map { $i }
concepts-residual-map-identity = x (the shortcut)
concepts-residual-map-projection = projected x (the shortcut)
concepts-residual-map-zero-pad = x subsampled, zero channels added (the shortcut)
concepts-residual-map-residual = F(x), the residual
concepts-residual-map-sum = F(x) + shortcut
concepts-residual-map-relu = ReLU(F(x) + shortcut), the output
concepts-residual-map-output = output
concepts-residual-norm-note = On { $photo }: ‖F(x)‖ = { $f } against ‖shortcut‖ = { $shortcut } over the whole block ({ $ratio }×). The block adds a correction to what the shortcut carries; with its weights at zero it would pass x on unchanged.
concepts-residual-reading = Reading the block's maps from the worker…
concepts-residual-classify = Classify a photo with { $network } above to see x, F(x) and F(x) + x of this block.
concepts-residual-bar = { $block }: ‖F(x)‖ / ‖shortcut‖ = { $ratio }
concepts-residual-bars-aria = ‖F(x)‖ / ‖shortcut‖ for every block
concepts-residual-bars-caption = ‖F(x)‖ / ‖shortcut‖ in each of the { $n } blocks on { $photo } (largest { $max }).

## One residual block, drawn

concepts-diagram-conv = { $kh }×{ $kw } conv, { $c }
concepts-diagram-groups = { $groups } groups
concepts-diagram-batch-norm = batch norm
concepts-diagram-pad-shortcut = every { $stride }nd pixel, zero channels
concepts-diagram-identity = identity: x itself
concepts-diagram-shortcut = { $kind } shortcut
concepts-diagram-aria = { $block }: { $kind }

## The gradient highway, measured

concepts-gradient-title = The gradient highway, measured
concepts-gradient-lead = A real backward pass at initialisation through a plain { $n }-layer network ({ $network } without its shortcuts) and through { $network }, with the same weights, on { $batch } random { $side }×{ $side } images: how large is the gradient that reaches each of the { $n } layers?
concepts-gradient-run = Run the backward passes
concepts-gradient-run-again = Run again
concepts-gradient-running = Running four backward passes in the worker (plain and residual, batch norm off and on)…
concepts-gradient-plain-net = { $network } without shortcuts (plain)
concepts-gradient-measure = Gradient of
concepts-gradient-measure-outputs = each layer's output, ‖∂L/∂y‖
concepts-gradient-measure-weights = each layer's weights, ‖∂L/∂W‖
concepts-gradient-bn-on = batch norm on (training mode), as torchvision builds them
concepts-gradient-bn-off = batch norm off: the networks of the notes' argument
concepts-gradient-aria = gradient norm against depth, { $setting }
concepts-gradient-point = { $network }, layer { $depth } ({ $layer }): { $value }
concepts-gradient-ratio = Gradient at layer 1's output against layer { $last }'s: { $plain } in the plain network, { $residual } in { $network }.
concepts-gradient-setting = Setting: torchvision's initialisation (Kaiming normal, fan-out) with the same values for the same layers, { $batch } random images of { $side }×{ $side } and random labels, cross-entropy loss, seed { $seed }. Computed in the worker, on the CPU (candle's autograd), in { $seconds } s.
concepts-gradient-shrinks = shrinks to { $ratio } on the way back
concepts-gradient-grows = grows { $ratio } on the way back
concepts-gradient-verdict-no-bn = Without batch norm, the gradient reaching the first layer { $plain } in the plain network and { $residual } in { $network }.
concepts-gradient-verdict-bn = With batch norm in training mode, as both networks are trained, the gradient reaching the first layer { $plain } in the plain network and { $residual } in { $network }.
concepts-gradient-verdict-highway = The shortcuts carry the gradient back to the first layers: the "gradient highway" of the notes.
concepts-gradient-verdict-no-vanish = Here the plain network's gradient does not vanish; He et al. (2016, section 4.1) observed the same — with batch norm their plain networks kept healthy gradients, and still trained worse than the residual ones.
concepts-cost-table-label = The module's multiply-adds, term by term
