# ConvNet Atlas: concepts (zh). Keys start with "concepts-".
# The Concepts page and its panels: 5×5 against stacked 3×3, VGG's first block, the Inception
# module and its cost, GoogLeNet's strip, receptive fields, residual blocks, the gradient highway.

## The page

concepts-page-title = 概念
concepts-page-lead = 课程笔记中的核心思想，各自在最先提出它的网络上演示。
concepts-page-toc = 本页目录
concepts-page-toc-kernels = 5×5 还是堆叠的 3×3
concepts-page-toc-inception = 逐步拆解 Inception
concepts-page-toc-fields = 感受野
concepts-page-toc-gradients = 梯度“高速公路”
concepts-page-toc-after = ResNet 之后
concepts-page-after-title = ResNet 之后的网络

## Shared pieces

concepts-sep-comma = ，
concepts-sep-and = {" "}和{" "}
concepts-reading-maps = 正在从 worker 读取特征图…

## One large convolution or a stack of 3×3

concepts-kernel-title = 用一个大卷积，还是堆叠多个 3×3？
concepts-kernel-lead = VGG 用堆叠的 3×3 卷积取代了 AlexNet 和 ZFNet 的大卷积核。设定通道数 C（输入与输出相同）和特征图边长 H（步长为 1，填充使尺寸不变），然后比较。
concepts-kernel-compare = 比较
concepts-kernel-toggle = { $k }×{ $k } 对比 { $stack }
concepts-kernel-variant-one = 单个 { $k }×{ $k }
concepts-kernel-variant-stacked = { $n } 个堆叠的 { $k }×{ $k }
concepts-kernel-input-range = { $what } 必须在 1 到 { $max } 之间
concepts-kernel-input-whole = { $what } 必须是整数（1 到 { $max }）
concepts-kernel-input-error = { $error }；表格显示的是最后一组有效值。
concepts-kernel-table = 卷积核对比
concepts-kernel-col-variant = 方案
concepts-kernel-col-params = 参数量（权重 + 偏置）
concepts-kernel-col-macs = 乘加次数
concepts-kernel-col-rf = 感受野
concepts-kernel-col-nonlin = 非线性激活数
concepts-kernel-per-conv = 各卷积层：{ $params }
concepts-kernel-summary = 当 C = { $c }、H = W = { $h } 时：{ $n } 个堆叠的 3×3 卷积共有 { $many_params } 个参数，单个 { $k }×{ $k } 卷积则有 { $one_params } 个（少 { $fewer }%）；乘加次数为 { $many_macs }，对比 { $one_macs }；两者看到同样大小的 { $rf }×{ $rf } 窗口，而单层只有一个 ReLU 的地方，堆叠方案有 { $nonlin } 个。只看权重：{ $n }·9C² = { $n9 }C²，对比 { $kk }C²。

## How stacked fields compose (the picture)

concepts-fields-input = 输入：{ $w }×{ $w } 像素
concepts-fields-unit = 第 { $j } 个 3×3 层：一个单元
concepts-fields-layer = 第 { $j } 个 3×3 层：{ $w }×{ $w } 个单元
concepts-fields-big-unit = 单个 { $k }×{ $k } 层：一个单元
concepts-fields-aria = { $n } 个堆叠的 3×3 层看到 { $rf }×{ $rf } 的窗口，与单个 { $k }×{ $k } 层相同
concepts-fields-caption = 上：最后一个 3×3 层的单元读取下一层的 3×3 窗口；这些单元又各自读取再下一层的 3×3，所以窗口每层扩大 2，到输入上达到 { $rf }×{ $rf }。下：单个 { $k }×{ $k } 层一步就看到同样的 { $rf }×{ $rf }。
concepts-fields-photo = 输入格子显示的是照片本身的像素，取自裁剪图的中心。

## VGG's first block on the last photo

concepts-vgg-note = 在上方用 { $network } 分类一张照片，即可在这里逐层看到它第一个块中 { $n } 个堆叠的 { $k }×{ $k } 卷积。
concepts-vgg-title = { $network } 的第一个块（照片：{ $photo }）
concepts-vgg-show = 显示
concepts-vgg-maps-option = 特征图 { $from }–{ $to }
concepts-vgg-conv = { $kh }×{ $kw } 卷积
concepts-vgg-layer-head = 第 { $index } 层：{ $conv }（{ $what } + { $act }），{ $shape }——每个单元看到 { $rf }×{ $rf } 像素
concepts-vgg-crop-caption = 第一层读取的 { $side }×{ $side } 裁剪图

## The Inception module, step by step

concepts-inception-title = 逐步拆解 Inception 模块
concepts-inception-aria = Inception 模块：用左右方向键逐步查看
concepts-inception-module = 模块
concepts-inception-prev = ← 上一步
concepts-inception-next = 下一步 →
concepts-inception-step-count = 第 { $step } 步，共 { $steps } 步
concepts-inception-output = 输出
concepts-inception-params = 参数量
concepts-inception-macs = 乘加次数
concepts-inception-depth = 目前拼接的深度
concepts-inception-depth-maps = { $c } 个特征图
concepts-inception-maps-head = { $layer }（照片：{ $photo }）：{ $shape }
concepts-inception-maps-head-first = { $layer }（照片：{ $photo }）：{ $shape }（显示 { $c } 个特征图中的前 { $shown } 个）
concepts-inception-classify = 在上方用 { $network } 分类一张照片，即可在这里看到每一步的特征图。
concepts-inception-diagram-aria = Inception 模块：输入、四个分支、拼接
concepts-inception-input-title = 输入：{ $c } 个 { $h }×{ $w } 的特征图
concepts-inception-input-note = 每个分支读取的都是同一个输入。
concepts-inception-concat-title = 拼接：{ $parts } = { $c } 个 { $h }×{ $w } 的特征图
concepts-inception-concat-note = 各分支的输出沿通道方向叠在一起；每个分支都（通过填充）保持了输入的高和宽，所以能拼接。
concepts-inception-pool-title-max = 分支 4：{ $kh }×{ $kw } 最大池化，步长 { $stride }，填充 { $padding }
concepts-inception-pool-title-avg = 分支 4：{ $kh }×{ $kw } 平均池化，步长 { $stride }，填充 { $padding }
concepts-inception-pool-note = 池化保留全部 { $c } 个输入特征图：若没有其后的投影，仅这一个分支就会把整个输入深度原样传下去。
concepts-inception-reduce-title = 分支 { $branch }：1×1 降维到 { $c } 个特征图
concepts-inception-proj-title = 分支 4：1×1 投影，{ $c } 个卷积核
concepts-inception-conv-title = 分支 { $branch }：{ $k }×{ $k } 卷积，{ $c } 个卷积核
concepts-inception-torchvision-note = torchvision 在这里用的是 3×3 卷积，而论文用的是 5×5（它的权重移植自一个这样做的 TensorFlow 模型）。
concepts-inception-reduce-note-3x3 = 瓶颈层：输入 { $in } 个特征图，输出 { $out } 个，因此其后的 3×3 卷积在每个位置只需乘 { $out } 个输入特征图，而不是 { $in } 个，计算量减为原来的 1/{ $ratio }。
concepts-inception-reduce-note-next = 瓶颈层：输入 { $in } 个特征图，输出 { $out } 个，因此其后的卷积在每个位置只需乘 { $out } 个输入特征图，而不是 { $in } 个，计算量减为原来的 1/{ $ratio }。
concepts-inception-short-input = 输入 · { $c }
concepts-inception-short-concat = 拼接 · { $c }
concepts-inception-short-pool-max = { $kh }×{ $kw } 最大池化
concepts-inception-short-pool-avg = { $kh }×{ $kw } 平均池化
concepts-inception-short-reduce = { $k }×{ $k } 降维 · { $c }
concepts-inception-short-proj = { $k }×{ $k } 投影 · { $c }
concepts-inception-short-conv = { $k }×{ $k } 卷积 · { $c }

## What the 1×1 bottlenecks save

concepts-cost-title = 1×1 瓶颈层省下了多少
concepts-cost-lead = 笔记中的例子：输入为 { $h }×{ $w }×{ $c }；{ $c1 } 个 1×1、{ $c3 } 个 3×3 和 { $c5 } 个 5×5 卷积核，外加一个 3×3 最大池化。瓶颈版本先在 3×3 之前降维到 { $r3 } 个特征图、在 5×5 之前降维到 { $r5 } 个，并把池化输出的 { $c } 个特征图投影到 { $pool } 个。
concepts-cost-toggle-aria = 模块
concepts-cost-naive-module = 朴素模块
concepts-cost-bottleneck-module = 加 1×1 瓶颈层
concepts-cost-naive = 朴素版本
concepts-cost-bottleneck = 瓶颈版本
concepts-cost-naive-note = 次乘加，输出 { $c } 个特征图
concepts-cost-bottleneck-note = 次乘加，输出 { $c } 个特征图（是朴素版本的 1/{ $ratio }）
concepts-cost-col-term = 项
concepts-cost-col-formula = H·W·卷积核数 · k·k·输入深度
concepts-cost-col-macs = 乘加次数
concepts-cost-total = 合计
concepts-cost-term = { $k }×{ $k } 卷积，{ $c } 个
concepts-cost-slide-note = 笔记转载的那张幻灯片上印着“{ $printed }M ops”，但它自己列出的六项加起来是 { $total }。印出的数字对应的是把“{ $term }”这一项（{ $term_macs }）算了两次——或按两倍的输入特征图计算——所得的和 { $sum }；幻灯片没有说明是哪一种。
concepts-cost-slide-note-plain = 笔记转载的那张幻灯片上印着“{ $printed }M ops”；各项加起来是 { $total }。

## GoogLeNet end to end (the strip)

concepts-strip-step-through = 逐步查看 { $module }
concepts-strip-paper = （论文）
concepts-strip-aux-paper = { $aux }，论文中为：{ $layers }。它的损失只在训练时起作用；torchvision 的预训练 GoogLeNet 在加载检查点后会丢弃它，这份描述也是如此
concepts-strip-aux = { $aux }：{ $layers }。训练时它的损失以 0.3 的权重计入；推理时丢弃
concepts-strip-aux-text = { $parts }（{ $params } 个参数）
concepts-strip-pool-avg = { $kh }×{ $kw }/{ $stride } 平均池化
concepts-strip-pool-max = { $kh }×{ $kw }/{ $stride } 最大池化
concepts-strip-conv = { $kh }×{ $kw } 卷积，{ $c } 个卷积核
concepts-strip-fc = 全连接层 { $n }
concepts-strip-dropout = Dropout { $p }
concepts-strip-note-paper = 论文的 { $n } 个辅助分类器接在 { $after } 之后。torchvision 的 GoogLeNet 也能构建它们，但其预训练模型在加载检查点后就把它们丢弃了——它们只服务于训练——这份描述也一样。
concepts-strip-note = 这 { $n } 个辅助分类器接在 { $after } 之后：训练时它们的损失（权重 0.3）把梯度注入网络中部；推理时丢弃。

## Receptive field against depth

concepts-rf-title = 一个单元能看多远：逐层来看
concepts-rf-add-label = 添加网络
concepts-rf-choose = 请选择…
concepts-rf-add = 添加
concepts-rf-remove = 移除 { $network }
concepts-rf-chip = { $network }：深度 { $depth } 处为 { $rf } px（输入 { $side }）
concepts-rf-point = { $network } · { $layer }（深度 { $depth }）：感受野 { $rf }×{ $rf } px，跳距 { $jump }
concepts-rf-aria = 以输入像素计的感受野和跳距随深度的变化
concepts-rf-x-axis = 深度（最长路径上的卷积层和池化层数）
concepts-rf-y-axis = 输入像素（对数坐标）
concepts-rf-note = 实线：一个单元感受野的边长。虚线：跳距（有效步长），即相邻单元在输入上相隔的像素数。细线：输入的边长——超过它，单元的感受野在各个方向上都伸进了填充区。每个深度只画感受野最大的那一层（3×3 旁边的 1×1 分支看到的更少）。

## The effective receptive field of a unit

concepts-erf-zero = 在这里该单元不依赖于图像：它的梯度处处为零（例如一个未激活的 ReLU）。
concepts-erf-caption = 有效感受野：通过反向传播得到的 |∂unit/∂pixel|（平方根色标）。其中 { $inside }% 落在 { $rh }×{ $rw } 的理论感受野之内；一半落在中心周围 { $half }×{ $half } 的方块内。{ $millis }
concepts-erf-caption-flat = 通过反向传播得到的 |∂unit/∂pixel|（平方根色标）。该单元位于特征图展平之后：没有理论感受野限制它，热图显示的是它所依赖的像素。{ $millis }
concepts-erf-millis = 反向传播在 worker 中、在 CPU 上运行（candle 的自动求导，无论前向传播用哪个引擎），用时 { $ms } ms。
concepts-erf-legend-max = 最大 |∂unit/∂pixel|

## Residual blocks

concepts-residual-title = 残差块：捷径连接传递了什么
concepts-residual-lead = 残差块输出 F(x) + x：它的各层只需学习对输入的修正量 F。
concepts-residual-lead-projection = 在特征图缩小或变宽的地方，捷径连接变成带步长的 1×1 卷积（投影），使两者可以相加。
concepts-residual-lead-zero-pad = 在特征图缩小或变宽的地方，捷径连接每隔一个像素取一个，并用零填充新增的通道：没有参数。
concepts-residual-block-label = 残差块
concepts-residual-block-figures = { $kind }：{ $params } 个参数，{ $macs } 次乘加
concepts-residual-kind-basic = 基本块（两个 3×3 卷积）
concepts-residual-kind-bottleneck = 瓶颈块（1×1 降维、3×3、1×1 升维）
concepts-residual-kind-other = 含 { $n } 个卷积的块
concepts-residual-kind-basic-short = 基本块
concepts-residual-kind-bottleneck-short = 瓶颈块
concepts-residual-kind-other-short = { $n } 个卷积
concepts-residual-shortcut-identity = 恒等
concepts-residual-shortcut-projection = 投影
concepts-residual-shortcut-zero-pad = 补零恒等
concepts-residual-compare-aria = 基本块与瓶颈块
concepts-residual-compare-caption = ResNet-34（基本块）与 ResNet-50（瓶颈块）中的相同位置
concepts-residual-col-block = 残差块
concepts-residual-col-kind = 类型
concepts-residual-col-shapes = x → 输出
concepts-residual-col-shortcut = 捷径连接
concepts-residual-col-params = 参数量
concepts-residual-col-macs = 乘加次数
concepts-residual-map-label = 特征图
concepts-residual-map-option = 特征图 { $i }
concepts-residual-map-identity = x（捷径）
concepts-residual-map-projection = 投影后的 x（捷径）
concepts-residual-map-zero-pad = 下采样并补零通道的 x（捷径）
concepts-residual-map-residual = F(x)，残差
concepts-residual-map-sum = F(x) + 捷径
concepts-residual-map-relu = ReLU(F(x) + 捷径)，输出
concepts-residual-map-output = 输出
concepts-residual-norm-note = 在 { $photo } 上，整个块的 ‖F(x)‖ = { $f }，‖捷径‖ = { $shortcut }（{ $ratio }×）。残差块是在捷径传来的内容上加一个修正量；若其权重全为零，它会把 x 原样传下去。
concepts-residual-reading = 正在从 worker 读取该块的特征图…
concepts-residual-classify = 在上方用 { $network } 分类一张照片，即可看到这个块的 x、F(x) 和 F(x) + x。
concepts-residual-bar = { $block }：‖F(x)‖ / ‖捷径‖ = { $ratio }
concepts-residual-bars-aria = 每个块的 ‖F(x)‖ / ‖捷径‖
concepts-residual-bars-caption = { $photo } 上全部 { $n } 个块各自的 ‖F(x)‖ / ‖捷径‖（最大 { $max }）。

## One residual block, drawn

concepts-diagram-conv = { $kh }×{ $kw } 卷积，{ $c }
concepts-diagram-groups = { $groups } 组
concepts-diagram-batch-norm = 批归一化
concepts-diagram-pad-shortcut = 每 { $stride } 个像素取一个，补零通道
concepts-diagram-identity = 恒等：x 本身
concepts-diagram-shortcut = { $kind }捷径
concepts-diagram-aria = { $block }：{ $kind }

## The gradient highway, measured

concepts-gradient-title = 实测梯度“高速公路”
concepts-gradient-lead = 在初始化时对一个 { $n } 层的普通网络（去掉捷径连接的 { $network }）和 { $network } 各做一次真实的反向传播，两者权重相同，输入为 { $batch } 张随机的 { $side }×{ $side } 图像：到达这 { $n } 层中每一层的梯度有多大？
concepts-gradient-run = 运行反向传播
concepts-gradient-run-again = 再运行一次
concepts-gradient-running = 正在 worker 中运行四次反向传播（普通网络和残差网络，分别关闭和开启批归一化）…
concepts-gradient-plain-net = { $network } 去掉捷径（普通网络）
concepts-gradient-measure = 求梯度的对象
concepts-gradient-measure-outputs = 每层的输出，‖∂L/∂y‖
concepts-gradient-measure-weights = 每层的权重，‖∂L/∂W‖
concepts-gradient-bn-on = 开启批归一化（训练模式），与 torchvision 构建的一样
concepts-gradient-bn-off = 关闭批归一化：笔记论证中的网络
concepts-gradient-aria = 梯度范数随深度的变化，{ $setting }
concepts-gradient-point = { $network }，第 { $depth } 层（{ $layer }）：{ $value }
concepts-gradient-ratio = 第 1 层输出处的梯度与第 { $last } 层相比：普通网络中为 { $plain }，{ $network } 中为 { $residual }。
concepts-gradient-setting = 设置：torchvision 的初始化（Kaiming 正态分布，fan-out），相同的层取相同的值；{ $batch } 张 { $side }×{ $side } 的随机图像和随机标签，交叉熵损失，随机种子 { $seed }。在 worker 中、在 CPU 上（candle 的自动求导）计算，用时 { $seconds } s。
concepts-gradient-shrinks = 缩小为 { $ratio }
concepts-gradient-grows = 放大了 { $ratio }
concepts-gradient-verdict-no-bn = 不用批归一化时，反向传播到第一层的梯度在普通网络中{ $plain }，在 { $network } 中{ $residual }。
concepts-gradient-verdict-bn = 开启训练模式的批归一化时（两种网络训练时都是如此），反向传播到第一层的梯度在普通网络中{ $plain }，在 { $network } 中{ $residual }。
concepts-gradient-verdict-highway = 捷径连接把梯度送回了最前面的几层：这就是笔记里说的梯度“高速公路”。
concepts-gradient-verdict-no-vanish = 这里普通网络的梯度并没有消失；He et al.（2016，第 4.1 节）也观察到了同样的现象——有了批归一化，他们的普通网络梯度依然正常，但训练效果仍然不如残差网络。
concepts-cost-table-label = 该模块的乘加次数，逐项列出
