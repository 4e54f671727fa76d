# ConvNet Atlas: zoo (zh). Keys start with "zoo-".
# The zoo's texts: network names with words, the picker, remarks, the papers' figures.

## Names of the networks whose English name has words (the others read the same in both).
zoo-label-lenet5-modern = LeNet-5（现代版）
zoo-label-alexnet-paper = AlexNet（2012 年论文）
zoo-label-googlenet-paper = GoogLeNet（2014 年论文）
zoo-label-vgg16-c = VGG-16（C，含 1×1 卷积）
zoo-label-nin = 网络中的网络（NiN）
zoo-label-stochastic-depth-110 = 随机深度 ResNet-110
zoo-label-plain = { $net }（无捷径连接的普通网络）

## The model picker: family headings, entries, the Concepts and Compare entries.
zoo-family-alexnet-zfnet = AlexNet 与 ZFNet
zoo-family-after-resnet = ResNet 之后
zoo-picker-label = 网络
zoo-picker-heading = 网络
zoo-picker-coming = 即将推出
zoo-picker-weights-ready = 就绪
zoo-picker-weights-shipped = 它的 ImageNet 权重随页面提供：无需下载
zoo-picker-weights-cached = 它的 ImageNet 权重已保存在本浏览器中：无需下载
zoo-picker-concepts = 概念
zoo-picker-concepts-title = 5×5 还是堆叠的 3×3、逐步拆解 Inception、感受野、梯度高速通道、ResNet 之后的网络
zoo-picker-compare = 比较两个网络
zoo-picker-compare-title = 两个网络并排对比：参数量、乘加次数、内存、深度、阶段、感受野
zoo-picker-train = 在页面里训练 LeNet-5
zoo-picker-train-title = 在本页训练 LeNet-5，并用实验检验笔记中的说法：ReLU、tanh 与 sigmoid，5×5 与两个 3×3，池化，dropout，C3 的连接表

## The main view.
zoo-coming-note = 该网络的描述即将推出。

## Figures the papers print, beside the layer table's derived ones ($n: the count, digits grouped).
zoo-quote-neurons = { $n } 个神经元
zoo-quote-parameters = { $n } 个参数
zoo-quote-connections = { $n } 个连接
zoo-type-conv2d-partial = Conv2d（部分连接）

## Remarks on each network, shown beside its table.
zoo-lenet5-remark-tanh = F6 及之前的每个单元都用 f(a) = A·tanh(S·a) 压缩其加权和，A = 1.7159，S = 2/3，这样选取是为了使 f(±1) = ±1。
zoo-lenet5-remark-subsample = S2 和 S4 不是最大池化：每个单元把 2×2 的输入相加，乘以每张特征图一个可训练系数，再加上每张特征图一个可训练偏置（每张图 2 个参数），然后再经过压缩函数。
zoo-lenet5-remark-c3 = C3 只是部分连接的（表 I）：它的 16 张特征图各读取 S2 中的 3 张、4 张或全部 6 张，共 60 个图到图的连接，这既减少了参数量，也迫使各特征图学习不同的特征。全连接的 C3 将有 2,416 个参数，而不是 1,516 个。
zoo-lenet5-remark-rbf = 论文的输出层是 10 个欧氏 RBF 单元，把 F6 与各数字固定的 7×12 位图编码作比较（84·10 = 840 个参数，保持固定）。这里改为一个有 84·10 + 10 = 850 个参数的线性层，以便用交叉熵训练网络。
zoo-lenet5-remark-c5 = C5 是一个卷积层：在 32×32 的输入上，它的 5×5 卷积核覆盖整张 5×5 的 S4 特征图，因此表现得像一个全连接层；但输入更大时，C5 的特征图也会更大。
zoo-lenet5-modern-remark = 这是如今对 LeNet-5 的常见复现，而非论文原版：用 ReLU 代替缩放 tanh，用无参数的 2×2 最大池化代替可训练的下采样，C3 读取全部六张 S2 特征图（2,416 个参数而不是 1,516 个），输出层是普通的线性层。
zoo-alexnet-remark-one-gpu = torchvision 的 AlexNet 引用的是 Krizhevsky 2014 年的单 GPU 论文，而不是 2012 年的网络：卷积核个数为 64、192、384、256 和 256，所有卷积都是稠密连接（没有双 GPU 分组），没有局部响应归一化，输入为 224×224，第一层填充 2，因此仍得到 55×55 的特征图。
zoo-alexnet-remark-adaptive-pool = 输入为 224×224 时，到 6×6 的自适应平均池化是恒等映射；它让分类器可以接受其他尺寸的输入。
zoo-alexnet-paper-remark-neurons = 论文称第一层有 253,440 个神经元，但 96 张 55×55 的特征图共有 55 × 55 × 96 = 290,400 个。论文自己给出的 224×224 输入，用不填充、步长为 4 的 11×11 窗口无法得到 55×55 的特征图（(224 − 11)/4 + 1 = 54.25）；只有 227×227 才能对上尺寸，本描述和 Caffe 用的正是 227×227。没有哪种 96 通道的正方形特征图能给出 253,440（它分解为 48 × 55 × 96，仿佛有一边是 48），所以印出的数字看来是笔误；之后的每个计数（186,624 = 27²·256，64,896 = 13²·384，43,264 = 13²·256）都与推导出的形状一致。
zoo-alexnet-paper-remark-two-gpus = 网络被拆分到两块各有 3 GB 显存的 GTX 580 GPU 上：conv2、conv4 和 conv5 只读取本 GPU 上的特征图（这里 groups = 2），而 conv3 和全连接层读取全部特征图。考虑分组后共有 60,965,224 个参数，即论文所说的“6000万”。
zoo-alexnet-paper-remark-lrn = 局部响应归一化（n = 5，α = 10⁻⁴，β = 0.75，k = 2）位于 conv1 和 conv2 的 ReLU 之后，其后各接一个步长为 2 的重叠 3×3 最大池化；dropout（p = 0.5）作用于前两个全连接层的输出。
zoo-zfnet-remark-first-layer = 与 AlexNet 相比，第一层用步长为 2 的 7×7 窗口，而不是步长为 4 的 11×11 窗口：论文的可视化显示，AlexNet 第一层的卷积核有的集中在极高或极低的频率上，有的已经失效，而第二层的特征因步长过大而出现混叠。
zoo-zfnet-remark-one-gpu = 在单块 GPU 上训练，因此 conv3–conv5 读取前一层的全部特征图（AlexNet 把它们分在两块 GPU 上）；conv3–conv5 分别有 384、384 和 256 张特征图。
zoo-zfnet-remark-sizes = 特征图尺寸依照论文的图 3：论文没有给出填充，因此这里 conv1 填充 1，conv2 不填充，3×3 最大池化的输出尺寸向上取整（Caffe 的规则）。
zoo-zfnet-remark-normalisation = 论文在前两个池化层之后对响应做跨特征图的归一化；这里用 AlexNet 的局部响应归一化（5 张特征图，α = 10⁻⁴，β = 0.75，k = 2）代替。
zoo-vgg-remark-column = 论文表 1 的 { $column } 列：{ $layers } 个带权重的层（{ $convs } 个卷积层，3 个全连接层），{ $params } 个参数。
zoo-vgg-remark-table2 = 论文表 2 将其取整为 { $millions }M 个参数。仅第一个全连接层（7·7·512 个输入 × 4096 个输出 + 4096 个偏置 = 102,764,544）就占了其中的大部分。
zoo-vgg-remark-lrn = 在 A 的第一个 ReLU 之后加入局部响应归一化（Krizhevsky 的 n = 5，α = 10⁻⁴，β = 0.75，k = 2）。论文发现它并没有改善 A，只增加了内存和时间开销，所以更深的几列都不用它。
zoo-vgg-remark-c = C 就是把 D 最后三个块中每块的第三个卷积换成 1×1（填充 0）：它增加了深度和非线性，却不扩大感受野，效果比 D 的 3×3 差，说明空间上下文很重要。
zoo-vgg-remark-batch-norm = torchvision 的批归一化版本：在每个卷积和它的 ReLU 之间加一个 BatchNorm2d（每个通道 2 个参数），2014 年的网络还没有这种做法。
zoo-vgg-remark-stacked = 两个堆叠的 3×3 卷积看到 5×5 的窗口，三个看到 7×7，但权重更少（输入和输出均为 C 个通道时，3·3²C² = 27C²，而 7²C² = 49C²），并且每个卷积之后都有一个 ReLU。
zoo-vgg-remark-adaptive-pool = torchvision 到 7×7 的自适应平均池化在 224×224 的输入下是恒等映射（论文中没有）；它让分类器可以接受其他尺寸的输入。
zoo-googlenet-remark-branch3 = 在论文使用 5×5 卷积的分支（branch3）中，torchvision 的 Inception 模块用的是 3×3 卷积：这沿袭自其权重移植来源的 TensorFlow 模型，因为改动就需要重新训练而保留了下来（pytorch/vision#906）。这条路径的窗口更小，九个模块比用 5×5 时少 { $diff } 个权重（每个模块 (25 − 9)·reduce·out 个）。
zoo-googlenet-remark-batch-norm = 每个卷积之后都接批归一化（eps 0.001，卷积无偏置）和一个函数式 ReLU，这些是 2014 年的网络所没有的；最后一个最大池化是 2×2/2，分类器前的 dropout 为 0.2（论文中为 3×3/2 和 0.4）。
zoo-googlenet-remark-no-aux = 以 aux_logits=False、transform_input=False 构建：两个辅助分类器只在训练时有用，torchvision 把它们从模型中去掉了（其发布的检查点仍包含 aux1.* 和 aux2.*，并且要求 transform_input=True）。
zoo-googlenet-paper-remark-table1 = 论文的表 1：处处是卷积、偏置和 ReLU，没有批归一化，每个 Inception 模块的第三个分支是真正的 5×5 卷积，并在第一个最大池化之后和 conv3 之后做局部响应归一化（图 3）。
zoo-googlenet-paper-remark-branch3 = 5×5 分支比 torchvision 的 3×3 分支多 { $diff } 个权重。
zoo-googlenet-paper-remark-aux = 两个辅助分类器作为旁支挂在 inception4a 和 inception4d 上（5×5/3 平均池化，128 个卷积核的 1×1 卷积，1024 个单元的全连接层，dropout 0.7，1000 个单元的全连接层）。训练时，它们的损失以 0.3 的权重加入总损失，把梯度推入网络的中部；推理时它们被丢弃，主输出是最后一层。
zoo-nin-remark-mlpconv = mlpconv 块在一个卷积之后接若干 1×1 卷积：相当于在每个位置上应用一个小型多层感知机，使每个单元成为其窗口的非线性函数，而不是一个线性滤波器加一个 ReLU。
zoo-nin-remark-no-fc = 没有全连接层：最后一个块为每个类别输出一张特征图，全局平均池化把每张图变成该类的得分。分类器本身没有参数，整个网络的参数量约为 AlexNet 的八分之一。
zoo-nin-remark-imagenet = 这是作者为 Caffe 发布的 ImageNet 模型；论文本身报告的是在 CIFAR-10/100、SVHN 和 MNIST 上用三个较小的 mlpconv 块得到的结果。
zoo-densenet-remark-growth = 在稠密块内，每一层新增 k = { $growth } 张特征图（增长率），并读取块的输入与此前每一层特征图的拼接，因此 n 层的块最终的通道数为 输入通道数 + n·k。
zoo-densenet-remark-bc = DenseNet-BC：每一层先用 1×1 卷积（瓶颈层）把输入收窄到 { $bn_size }·k = { $width } 张特征图；每个过渡层先用 1×1 卷积把通道数减半（压缩系数 0.5），再做 2×2 平均池化。
zoo-densenet-remark-pre-activation = 预激活顺序：批归一化和 ReLU 位于每个卷积之前。最后的 ReLU、全局平均池化和展平在 torchvision 中是函数调用，因此没有模块名。
zoo-fractalnet-remark-no-residuals = 没有残差：每个信号在被下一层看到之前都要经过一个卷积和一个非线性激活。深度来自扩展规则 f_1(z) = conv(z)，f_{"{"}C+1{"}"}(z) = join(f_C(f_C(z)), conv(z))；当列数 C = 4 时，一个块有 15 个卷积，穿过它的路径上有 1、2、4 或 8 个卷积。
zoo-fractalnet-remark-join = join 是在此汇合的各列的逐元素平均（不是求和，也不是拼接），所以每一列都保持相同数量的特征图。五个块使最长路径深达 5·8 = 40 个卷积，最短路径为 5 个。
zoo-fractalnet-remark-drop-path = Drop-path 是论文的正则化方法，只在训练时使用：每个 join 随机丢弃一部分输入（至少保留一个），或者在整个网络中只保留单独一列。测试时使用所有列，如图所示；单独的最深一列也能作为一个 40 层的普通网络使用。论文中每个块的 dropout 在这里也没有画出。
zoo-fractalnet-remark-parameters = 参数量：论文的表 1 给出 40 层 FractalNet 为 22.9M，20 层（C = 3）为 38.6M。按论文给出的 CIFAR 宽度（64、128、256、512、512 张特征图），20 层网络有 33.7M 参数，这个 40 层网络有 76.1M：这里保留了这些宽度，所以该网络比论文训练的网络更大。
zoo-squeezenet-remark-fire = Fire 模块先用 1×1 卷积把输入压缩为少量通道，再用并列的 1×1 和 3×3 卷积扩展并把两者拼接：3×3 卷积只读取压缩后的通道，参数正是在这里省下的。
zoo-squeezenet-remark-no-fc = 没有全连接层：一个 1×1 卷积给出 1000 张类别特征图，全局平均池化把它们变成 logits。最大池化的输出尺寸向上取整（Caffe 的规则，即 PyTorch 的 ceil_mode）。
zoo-squeezenet1-0-remark = 论文的表 1：conv1 有 96 个步长为 2 的 7×7 卷积核，八个 Fire 模块，最大池化位于 conv1、fire4 和 fire8 之后（这里是 features.2、.6 和 .11）。
zoo-squeezenet1-1-remark = 1.1 版（来自作者的代码仓库）：conv1 有 64 个 3×3 卷积核，最大池化移到了 conv1、fire3 和 fire5 之后，因此网络更多部分在更小的特征图上运行：在准确率相同的情况下，计算量约为 1.0 的 1/2.4，参数也略少。
zoo-stochastic-depth-remark-training = 训练：在每个小批量之前，每个残差块随机决定是否存活，第 l 个块的存活概率为 p_l；被丢弃的块只通过捷径连接传递输入，因此每个批量训练的网络都更短。p_l 在 54 个块上从 1 线性下降到 0.5，平均约有 40 个块处于激活状态，这使训练时间缩短约四分之一，并让梯度经过更少的层就能到达前面的层。
zoo-stochastic-depth-remark-test = 测试：保留所有块，每个残差分支乘以其存活概率（即 'survival' 节点），也就是训练时该分支的期望值。此时网络就是一个普通的 ResNet-110：约 170 万个参数，随机深度没有增加任何参数。
zoo-stochastic-depth-remark-shortcut = 在特征图尺寸减半、通道数加倍的地方，捷径连接每隔一个像素取一个，并用零填充新增的通道（无参数），与最初的 CIFAR ResNet 相同。

## 结构图方框的标注（论文图中的记法；$stride 为 " /2" 或空）
zoo-cap-input = 输入
zoo-cap-conv = { $kernel } 卷积, { $channels }{ $stride }
zoo-cap-table = （连接表）
zoo-cap-max-pool = 最大池化 { $kernel }{ $stride }
zoo-cap-avg-pool = 平均池化 { $kernel }{ $stride }
zoo-cap-subsample = 下采样 { $kernel }{ $stride }
zoo-cap-global-avg = 全局平均池化 → { $size }
zoo-cap-fc = 全连接 { $out }
zoo-cap-pad-shortcut = 补零捷径 /{ $stride }
zoo-cap-dropout = Dropout { $p }
zoo-cap-flatten = 展平

## What a block is, as the diagram's overview names it (read from its structure)
zoo-kind-bottleneck = 瓶颈块
zoo-kind-residual = 残差块
zoo-kind-inception = Inception 模块
zoo-kind-fire = Fire 模块
zoo-kind-dense = 稠密层
zoo-kind-fractal = 分形块
zoo-kind-mlpconv = mlpconv
zoo-kind-auxiliary = 辅助分类器
zoo-kind-plain = 块
