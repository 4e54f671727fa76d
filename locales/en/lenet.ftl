# ConvNet Atlas: lenet (en). Keys start with "lenet-".
lenet-draw-title = Draw a digit
lenet-weights-failed = could not load the weights: { $error }
lenet-erf-computing = Computing its effective receptive field…
# The unit under the pointer: "c1 · map 3 · unit (4, 7) = 0.1234".
lenet-hover-readout = { $layer } · map { $channel } · unit ({ $y }, { $x }) = { $value }
lenet-hover-hint = Hover a unit of a feature map to see its value and its receptive field; click it to pin it.
lenet-hover-hint-touch = Tap a unit of a feature map to see its value and pin its receptive field.
lenet-pinned = Pinned: { $layer } · map { $channel } · unit ({ $y }, { $x }) = { $value }.
lenet-flat-field = A unit after flattening sees the whole input.

## The drawing pad
lenet-canvas-label = Draw a digit here
lenet-pad-keys = With the keyboard: the arrow keys move the pen (Shift: three times as far); Space or Enter puts it down or lifts it, and while it is down, moving it draws.
lenet-brush = Brush
lenet-undo = Undo stroke
lenet-clear = Clear
lenet-weights-shipped = The pad reads the weights that ship with the page (trained by `atlas train-lenet` on all 60,000 MNIST digits).
lenet-weights-trained = The pad reads the weights you trained in this page: { $digits } digits, { $accuracy } on the test digits.
lenet-weights-back = Back to the shipped weights
