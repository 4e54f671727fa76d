# ConvNet Atlas: network (en). Keys start with "network-".

## The layer table
network-col-layer = layer
network-col-type = type
network-col-output = output
network-col-params = params
network-col-share = % of params
network-col-macs = MACs
network-col-activations = activations (fp32)
network-col-rf = RF
network-col-rf-title = receptive field on the input image, in pixels
network-col-jump = jump
network-col-jump-title = effective stride: input pixels between neighbouring units
network-col-paper = the paper says
network-heavy = heavy
network-heavy-title = holds at least { $share } of all parameters
network-mac-heavy = MAC-heavy
network-mac-heavy-title = does at least { $share } of all multiply-adds
network-total = Total
network-forward-title = memory per image for a forward pass

## The totals
network-totals-params = Parameters
network-totals-params-note = { $bytes } of weights in fp32
network-totals-macs = Multiply-adds per image
network-totals-macs-note = conv and fc weight uses (torchvision's count)
network-totals-training-only = of which { $side } in side branches used only in training; an inference uses { $inference }
network-totals-memory = Memory per image, forward
network-totals-memory-exact = { $n } activations × 4 bytes
network-totals-memory-note = input and every stored layer output (in-place ReLU not counted); training keeps about twice as much for the backward pass. Sizes on this page are in binary units: 1 MiB = 1,048,576 bytes (KiB and GiB alike).

## The diagram
network-diagram-label = Diagram of { $net }
# A box's tooltip: the layer, its kind and the layers folded into it, then its output shape.
network-diagram-node-title =
    { $name } — { $type }{ $folded }
    output { $shape }

## LeNet-5's C3 connection table
network-connection-caption = C3's connection table: rows are the { $inputs } S2 maps, columns the { $outputs } C3 maps; { $connections } connections instead of { $full }. Breaking the symmetry makes the C3 maps learn different features and keeps the parameter count down.
network-connection-corner = S2 map (row) read by C3 map (column)
network-table-label = Every layer: shape, parameters, multiply-adds, memory, receptive field

## The diagram's zoom
network-zoom-in = Zoom in
network-zoom-out = Zoom out
network-zoom-fit = Fit to width
network-zoom-level = { $percent } %
network-diagram-region = The network's diagram: scroll or drag to pan; + and − zoom, 0 fits

## The diagram's levels
network-diagram-hint = Click a box to open it · Ctrl + wheel or pinch to zoom · drag to pan
network-diagram-overview = Overview
network-diagram-every-layer = Every layer
# A stage's label: where it works, its parameters and multiply-adds.
network-diagram-stage = { $place } · { $params } parameters · { $macs } multiply-adds
# A closed group's or block's tooltip.
network-diagram-block-title =
    { $names }
    { $params } parameters, { $macs } multiply-adds
    Click or press Enter to open it.
network-diagram-close = Close { $name }
network-diagram-close-group = Close the { $repeat } blocks into one box
network-diagram-minimap = Where the panel is in the whole diagram
network-diagram-stage-params = { $params } parameters
network-diagram-hint-touch = Tap a box to open it · pinch to zoom · drag to pan
