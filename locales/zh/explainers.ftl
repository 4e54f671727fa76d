# ConvNet Atlas: explainers (zh). Keys start with "explainers-".
# The explainers of the networks after ResNet (src/concepts/explainers.rs); every figure is an argument.

## Shared: table headers, a convolution's description, lists.
explainers-col-layer = 层
explainers-col-what = 内容
explainers-col-output = 输出
explainers-col-input = 输入
explainers-col-parameters = 参数量
explainers-col-multiply-adds = 乘加次数
explainers-col-module = 模块
explainers-col-squeeze = 压缩 1×1
explainers-col-expand1 = 扩展 1×1
explainers-col-expand3 = 扩展 3×3
explainers-col-maps-read = 读取的特征图
explainers-col-stage = 阶段
explainers-col-blocks = 块数
explainers-col-survival = p_l
explainers-col-block = 块
explainers-col-convolutions = 卷积数
explainers-col-joins = join 数
explainers-conv = { $kh }×{ $kw } 卷积，{ $filters } 个卷积核
explainers-conv-stride = ，步长 { $stride }
explainers-conv-groups = ，{ $groups } 组
explainers-list-separator = 、
explainers-row-of-net = { $net }：{ $layer }
explainers-compare-block = 块 { $block }：{ $b_net } 中有 { $b_params } 个参数、{ $b_macs } 次乘加，{ $a_net } 中为 { $a_params } 个参数、{ $a_macs } 次乘加。整个网络：{ $b_net } 参数量 { $b_total_params }、乘加次数 { $b_total_macs }；{ $a_net } 分别为 { $a_total_params } 和 { $a_total_macs }。

## The explainer card: the table's name, the bar chart's caption and a bar's tooltip.
explainers-table-label = { $title }：各层
explainers-bars-caption = { $title }（{ $first } … { $last }；单位：{ $unit }）
explainers-bar-value = { $label }：{ $value }

## NiN's mlpconv.
explainers-mlpconv-title = NiN：mlpconv，每个位置上的一个小网络
explainers-mlpconv-window = 普通卷积是一个线性滤波器加一个 ReLU。NiN 在每个卷积之后接两个 1×1 卷积，各自带一个 ReLU：在每个位置上，窗口内的 { $values } 个值都经过同一个在整张特征图上共享的三层感知机。
explainers-mlpconv-cost = 在第一个块中，两个 1×1 层在卷积的 { $conv } 个参数之外只增加了 { $added } 个参数（占整个块的 { $percent }%）：以很小的代价换来深度和非线性，GoogLeNet 的 1×1 降维和 ResNet 的瓶颈层沿用的正是这一思路。
explainers-mlpconv-gap = 最后一个 mlpconv 为每个类别输出一张特征图（{ $shape }），全局平均池化把每张图变成该类的得分：没有全连接层（AlexNet 的三个全连接层共有 { $fc } 个参数）。

## SqueezeNet's fire module.
explainers-fire-title = SqueezeNet：Fire 模块
explainers-fire-module = Fire 模块先用 1×1 卷积把输入压缩（squeeze）为少量特征图，再用并列的 1×1 和 3×3 卷积将其扩展（expand），并把两者拼接起来。在 { $first } 中（输入 { $cin } 张，输出 { $cout } 张），3×3 卷积读取的是压缩后的 { $squeezed } 张特征图，而不是 { $cin } 张。
explainers-fire-cost = { $first } 有 { $params } 个参数，需要 { $macs } 次乘加；若用一个 3×3 卷积把同样的 { $cin } 张特征图变为同样的 { $cout } 张，则有 { $plain_params } 个参数、{ $plain_macs } 次乘加，是前者的 { $ratio } 倍。
explainers-fire-whole = 整个网络有 { $params } 个参数（fp32 下占 { $bytes }）；论文报告它在 ImageNet 上达到了 AlexNet 级别的准确率。

## DenseNet's dense block.
explainers-dense-title = DenseNet：每一层都读取它之前的所有层
explainers-dense-growth = 稠密块中的每一层新增 k = { $growth } 张特征图，并读取块的输入与此前每一层特征图的拼接，因此每深入一层，读取的特征图就多 { $growth } 张：denseblock1 的第一层读取 { $first } 张，最后一层读取 { $last } 张。
explainers-dense-end = 该块最后有 { $input } + { $layers }·{ $growth } = { $out } 张特征图；transition1 先用 1×1 卷积把它们减半为 { $halved } 张，再用 2×2 平均池化把尺寸减半。
explainers-dense-reuse = 每层的 3×3 卷积总是读取 { $bottleneck } 张特征图（先由 1×1 瓶颈层把不断变宽的输入收窄），所以越往后的层只在 1×1 卷积上开销更大：特征被复用而不是重新计算，DenseNet-121 的参数量为 { $params }，而 ResNet-50 为 { $resnet }。
explainers-dense-bar-reads = { $layer } 读取
explainers-dense-bar-output = 块输出
explainers-dense-bar-transition = transition1 之后
explainers-dense-bars-title = denseblock1 中的特征图数
explainers-dense-bars-unit = 张

## ResNeXt's cardinality.
explainers-cardinality-title = ResNeXt：增加路径数，而不是加宽或加深
explainers-cardinality-groups = ResNeXt 保留 ResNet-50 的布局，把每个瓶颈块中的 3×3 卷积换成分组卷积：{ $groups } 组（即基数，cardinality），每组 { $per_group } 个通道，共 { $width } 个，而 ResNet-50 只有一条 { $resnet_width } 个通道的路径。每组只看到自己的通道，就好像这个块是 { $groups } 个窄瓶颈块之和。
explainers-cardinality-finding = 在开销大致相同时，论文发现增加路径数比加宽或加深 ResNet 效果更好：基数成为深度和宽度之外的第三个维度。

## Wide ResNet's widening.
explainers-widening-title = Wide ResNet：加宽块，而不是增加块数
explainers-widening-doubled = Wide ResNet-50-2 就是把每个瓶颈块的内部宽度加倍的 ResNet-50：layer1.0 的 3×3 卷积有 { $wide } 个卷积核，而不是 { $narrow } 个；各块输出的宽度不变，因此捷径连接也不变。
explainers-widening-argument = Zagoruyko 和 Komodakis 认为，残差网络更需要宽度而不是深度：宽而较浅的网络在并行硬件上训练更快，效果也与深得多的窄网络相当。

## Stochastic depth's survival probabilities.
explainers-survival-title = 随机深度：每次都训练一个更短的网络
explainers-survival-training = 训练时，{ $blocks } 个残差块中的每一个都以其存活概率 p_l 保留，否则被跳过（只由捷径连接把输入传下去）。p_l 从第一个块的 { $first } 线性下降到最后一个块的 { $last }。
explainers-survival-expected = 平均有 Σ p_l = { $expected } 个块在运行，因此一次训练迭代大约经过 { $weight_layers } 个带权重的层中的 { $layers } 个（每块 { $per_block } 个，块外 { $other } 个）：梯度的路径更短，每步用时更少。
explainers-survival-test = 测试时每个块都运行，其残差分支乘以 p_l（训练时的期望值）：这就是一个有 { $params } 个参数的普通 ResNet-110。
explainers-survival-bars-title = 每个块的存活概率 p_l
explainers-survival-bars-unit = p

## FractalNet's expansion rule.
explainers-fractal-title = FractalNet：由扩展规则得到深度，没有残差
explainers-fractal-rule = 规则 f₁(z) = conv(z)，f_{"{"}C+1{"}"}(z) = join(f_C(f_C(z)), conv(z)) 把块嵌套在自身之中：每一步都使最深的路径加倍，并增加一列只含一个卷积的新列。join 对在此汇合的各列取平均。
explainers-fractal-depth = 当列数 C = { $columns } 时，一个块有 { $convs } 个卷积，各列分别有 { $sizes } 个，另有 { $joins } 个 join；其最长路径上有 { $deepest } 个卷积。{ $blocks } 个块使网络最长路径的深度为 { $longest } 个卷积，最短路径为 { $shortest } 个。
explainers-fractal-paths = 每个信号在到达下一个 join 之前都要经过一个卷积和一个 ReLU：训练初期，短路径像 ResNet 中的捷径连接一样传递梯度，而网络中没有任何恒等映射。输入为 32×32 时有 { $params } 个参数、{ $macs } 次乘加。
explainers-fractal-bars-title = { $block } 每列的卷积数
explainers-fractal-bars-unit = 个
explainers-fractal-bar-column = 第 { $column } 列
