# ConvNet Atlas: lenet (zh). Keys start with "lenet-".
lenet-draw-title = 手写一个数字
lenet-weights-failed = 无法加载权重：{ $error }
lenet-erf-computing = 正在计算它的有效感受野……
# The unit under the pointer: "c1 · map 3 · unit (4, 7) = 0.1234".
lenet-hover-readout = { $layer } · 特征图 { $channel } · 单元 ({ $y }, { $x }) = { $value }
lenet-hover-hint = 把指针停在特征图的某个单元上，可以看到它的值和感受野；点击可以固定这个单元。
lenet-hover-hint-touch = 轻触特征图的某个单元，可以看到它的值并固定它的感受野。
lenet-pinned = 已固定：{ $layer } · 特征图 { $channel } · 单元 ({ $y }, { $x }) = { $value }。
lenet-flat-field = 展平之后的单元能看到整个输入。

## The drawing pad
lenet-canvas-label = 在这里手写数字
lenet-pad-keys = 用键盘：方向键移动笔（按住 Shift 移动三倍距离）；空格或回车落笔或抬笔，落笔时移动即书写。
lenet-brush = 笔刷
lenet-undo = 撤销上一笔
lenet-clear = 清除
lenet-weights-shipped = 手写板读取的是随页面提供的权重（由 `atlas train-lenet` 在全部 60,000 个 MNIST 数字上训练）。
lenet-weights-trained = 手写板读取的是你在本页训练的权重：训练了 { $digits } 个数字，测试准确率 { $accuracy }。
lenet-weights-back = 换回随页面提供的权重
