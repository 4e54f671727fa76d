# ConvNet Atlas: explainers (en). Keys start with "explainers-".
# The explainers of the networks after ResNet (src/concepts/explainers.rs); every figure is an argument.

## Shared: table headers, a convolution's description, lists.
explainers-col-layer = layer
explainers-col-what = what
explainers-col-output = output
explainers-col-input = input
explainers-col-parameters = parameters
explainers-col-multiply-adds = multiply-adds
explainers-col-module = module
explainers-col-squeeze = squeeze 1×1
explainers-col-expand1 = expand 1×1
explainers-col-expand3 = expand 3×3
explainers-col-maps-read = maps read
explainers-col-stage = stage
explainers-col-blocks = blocks
explainers-col-survival = p_l
explainers-col-block = block
explainers-col-convolutions = convolutions
explainers-col-joins = joins
explainers-conv = conv { $kh }×{ $kw }, { $filters } filters
explainers-conv-stride = , stride { $stride }
explainers-conv-groups = , { $groups } groups
explainers-list-separator = { ", " }
explainers-row-of-net = { $net }: { $layer }
explainers-compare-block = The block { $block }: { $b_params } parameters and { $b_macs } multiply-adds in { $b_net }, { $a_params } and { $a_macs } in { $a_net }. Whole networks: { $b_total_params } parameters and { $b_total_macs } multiply-adds against { $a_total_params } and { $a_total_macs }.

## The explainer card: the table's name, the bar chart's caption and a bar's tooltip.
explainers-table-label = { $title }: layers
explainers-bars-caption = { $title } ({ $first } … { $last }; { $unit })
explainers-bar-value = { $label }: { $value }

## NiN's mlpconv.
explainers-mlpconv-title = NiN: mlpconv, a small network at every position
explainers-mlpconv-window = A convolution is a linear filter followed by a ReLU. NiN follows each convolution with two 1×1 convolutions, each with its own ReLU: at every position the window's { $values } values go through a three-layer perceptron shared across the map.
explainers-mlpconv-cost = In the first block the two 1×1 layers add { $added } parameters to the convolution's { $conv } ({ $percent } % of the block): depth and non-linearity for little cost, the idea GoogLeNet's 1×1 reductions and ResNet's bottlenecks reuse.
explainers-mlpconv-gap = The last mlpconv ends with one map per class ({ $shape }), and a global average pool turns each map into its class score: no fully connected layer (AlexNet's three hold { $fc } parameters).

## SqueezeNet's fire module.
explainers-fire-title = SqueezeNet: the fire module
explainers-fire-module = A fire module squeezes its input to a few maps with 1×1 convolutions, then expands them with 1×1 and 3×3 convolutions side by side and concatenates both. In { $first } ({ $cin } in, { $cout } out) the 3×3s read { $squeezed } squeezed maps instead of { $cin }.
explainers-fire-cost = { $first } holds { $params } parameters and costs { $macs } multiply-adds; one 3×3 convolution from the same { $cin } maps to the same { $cout } would hold { $plain_params } and cost { $plain_macs } — { $ratio }× more.
explainers-fire-whole = The whole network has { $params } parameters ({ $bytes } in fp32); the paper reports AlexNet-level accuracy on ImageNet with it.

## DenseNet's dense block.
explainers-dense-title = DenseNet: every layer reads all the layers before it
explainers-dense-growth = Each layer of a dense block adds k = { $growth } new maps and reads the concatenation of the block's input and every earlier layer's maps, so the maps read grow by { $growth } a layer: { $first } at the first layer of denseblock1, { $last } at its last.
explainers-dense-end = The block ends with { $input } + { $layers }·{ $growth } = { $out } maps; transition1 halves them to { $halved } with a 1×1 convolution, then a 2×2 average pool halves the size.
explainers-dense-reuse = A layer's 3×3 convolution always reads { $bottleneck } maps (its 1×1 bottleneck narrows the growing input first), so a layer costs more only through its 1×1: features are reused instead of recomputed, and DenseNet-121 holds { $params } parameters against ResNet-50's { $resnet }.
explainers-dense-bar-reads = { $layer } reads
explainers-dense-bar-output = block output
explainers-dense-bar-transition = after transition1
explainers-dense-bars-title = Maps in denseblock1
explainers-dense-bars-unit = maps

## ResNeXt's cardinality.
explainers-cardinality-title = ResNeXt: more paths instead of wider or deeper ones
explainers-cardinality-groups = ResNeXt keeps ResNet-50's layout and replaces each bottleneck's 3×3 convolution with a grouped one: { $groups } groups (the cardinality) of { $per_group } channels each, { $width } in all, where ResNet-50 has one path of { $resnet_width }. Each group sees only its own channels, as if the block were { $groups } narrow bottlenecks summed.
explainers-cardinality-finding = At about the same cost, the paper found more paths better than a wider or deeper ResNet: cardinality as a third dimension beside depth and width.

## Wide ResNet's widening.
explainers-widening-title = Wide ResNet: wider blocks instead of more of them
explainers-widening-doubled = Wide ResNet-50-2 is ResNet-50 with every bottleneck's inner width doubled: the 3×3 convolution of layer1.0 has { $wide } filters instead of { $narrow }; the blocks' outputs keep their width, so the shortcuts are unchanged.
explainers-widening-argument = Zagoruyko and Komodakis argue that residual networks need width more than depth: a wide, shallower network trains faster on parallel hardware and matched much deeper thin ones.

## Stochastic depth's survival probabilities.
explainers-survival-title = Stochastic depth: train a shorter network every time
explainers-survival-training = During training each of the { $blocks } residual blocks is kept with its survival probability p_l and otherwise skipped (its shortcut alone passes the input on). p_l falls linearly from { $first } for the first block to { $last } for the last.
explainers-survival-expected = On average Σ p_l = { $expected } blocks run, so a training step goes through about { $layers } of the { $weight_layers } weight layers ({ $per_block } per block, { $other } outside the blocks): shorter paths for the gradient, less time per step.
explainers-survival-test = At test time every block runs and its branch is scaled by p_l (the expected value in training): an ordinary ResNet-110 with { $params } parameters.
explainers-survival-bars-title = Survival probability p_l of each block
explainers-survival-bars-unit = p

## FractalNet's expansion rule.
explainers-fractal-title = FractalNet: depth from an expansion rule, no residuals
explainers-fractal-rule = The rule f₁(z) = conv(z), f_{"{"}C+1{"}"}(z) = join(f_C(f_C(z)), conv(z)) nests the block in itself: each step doubles the deepest path and adds a column of one convolution. A join averages the columns that meet there.
explainers-fractal-depth = With C = { $columns } columns a block holds { $convs } convolutions in columns of { $sizes } and { $joins } joins; its longest path has { $deepest }. { $blocks } blocks make the network { $longest } convolutions deep on its longest path and { $shortest } on its shortest.
explainers-fractal-paths = Every signal passes a convolution and a ReLU before the next join: short paths carry the gradient early in training as shortcuts do in a ResNet, without an identity anywhere. { $params } parameters, { $macs } multiply-adds at 32×32.
explainers-fractal-bars-title = Convolutions per column of { $block }
explainers-fractal-bars-unit = convolutions
explainers-fractal-bar-column = column { $column }
