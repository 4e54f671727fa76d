# ConvNet Atlas: compare (en). Keys start with "compare-".
compare-title = Compare two networks
# Between the two network choices: [ResNet-18] against [VGG-16].
compare-against = against
compare-select-first = Network a
compare-select-second = Network b
compare-no-description = One of the two networks has no description.

## The table
compare-col-what = per image, batch 1
compare-col-ratio = second / first
compare-row-params = parameters
compare-row-macs = multiply-adds
compare-row-activation-bytes = activation memory (fp32, forward)
compare-row-param-bytes = parameter memory (fp32)
compare-row-depth = depth (weight layers on the longest path)
# A memory size: "4.6 MiB (4,816,896 bytes)".
compare-bytes = { $size } ({ $bytes } bytes)

## The stages
compare-stages-title = Where the work is: stages by map size
compare-stages-note = Each bar splits a network into its stages, the runs of layers at one map size, by their share of the multiply-adds (top pair) and of the parameters (bottom pair). Early stages work on large maps with few weights; late ones hold the weights.
compare-stages-hint = Point at, tap or tab to a stage to read its figures here.
# The stage after flattening, whose layers output vectors rather than maps.
compare-stage-vectors = vectors
# A stage's tooltip: "56×56: 5 layers, 462,422,016 multiply-adds (25.3 %)".
compare-stage-title-macs = { $place }: { $layers ->
        [one] { $layers } layer
       *[other] { $layers } layers
    }, { $value } multiply-adds ({ $pct } %)
compare-stage-title-params = { $place }: { $layers ->
        [one] { $layers } layer
       *[other] { $layers } layers
    }, { $value } parameters ({ $pct } %)

## Both networks on the last photo
compare-photo-title = Both on the last photo
compare-photo-note = “{ $photo }” (last classified by { $net }), cropped to each network’s own input size, through each network whose weights are loaded.
compare-running = Running…
compare-ran-on = Ran on the { $engine } engine.
compare-classify = Classify with both
compare-open-lab = Load them in its photo lab

compare-rf-title = Receptive field against depth
compare-table-label = The two networks' figures side by side
