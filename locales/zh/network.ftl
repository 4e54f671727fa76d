# ConvNet Atlas: network (zh). Keys start with "network-".

## The layer table
network-col-layer = 层
network-col-type = 类型
network-col-output = 输出
network-col-params = 参数量
network-col-share = 参数占比
network-col-macs = 乘加次数
network-col-activations = 激活内存（fp32）
network-col-rf = 感受野
network-col-rf-title = 在输入图像上的感受野，单位为像素
network-col-jump = 跳距
network-col-jump-title = 有效步长：相邻单元在输入上相隔的像素数
network-col-paper = 论文给出的数字
network-heavy = 参数多
network-heavy-title = 占全部参数的 { $share } 以上
network-mac-heavy = 计算量大
network-mac-heavy-title = 占全部乘加次数的 { $share } 以上
network-total = 合计
network-forward-title = 每张图像前向传播所需的内存

## The totals
network-totals-params = 参数量
network-totals-params-note = fp32 权重共 { $bytes }
network-totals-macs = 每张图像的乘加次数
network-totals-macs-note = 卷积层和全连接层的权重使用次数（按 torchvision 的计法）
network-totals-training-only = 其中 { $side } 属于只在训练时使用的旁支；推理时用到 { $inference }
network-totals-memory = 每张图像的前向传播内存
network-totals-memory-exact = { $n } 个激活值 × 4 字节
network-totals-memory-note = 包括输入和每一层保存下来的输出（原地执行的 ReLU 不计）；训练时为了反向传播，大约要保存两倍的数据。本页的大小都用二进制单位：1 MiB = 1,048,576 字节（KiB、GiB 同理）。

## The diagram
network-diagram-label = { $net } 的结构图
# A box's tooltip: the layer, its kind and the layers folded into it, then its output shape.
network-diagram-node-title =
    { $name } — { $type }{ $folded }
    输出 { $shape }

## LeNet-5's C3 connection table
network-connection-caption = C3 的连接表：行对应 { $inputs } 个 S2 特征图，列对应 { $outputs } 个 C3 特征图；共 { $connections } 个连接，而不是 { $full } 个。打破对称性使 C3 的各个特征图学到不同的特征，同时减少了参数量。
network-connection-corner = 被 C3 特征图（列）读取的 S2 特征图（行）
network-table-label = 每一层：形状、参数量、乘加次数、内存、感受野

## 结构图的缩放
network-zoom-in = 放大
network-zoom-out = 缩小
network-zoom-fit = 适应宽度
network-zoom-level = { $percent }%
network-diagram-region = 网络结构图：滚动或拖动以平移；+ 与 − 缩放，0 适应宽度

## The diagram's levels
network-diagram-hint = 点击方框展开 · Ctrl + 滚轮或双指缩放 · 拖动平移
network-diagram-overview = 概览
network-diagram-every-layer = 每一层
network-diagram-stage = { $place } · 参数 { $params } · 乘加 { $macs }
network-diagram-block-title =
    { $names }
    参数 { $params }，乘加 { $macs }
    点击或按回车展开。
network-diagram-close = 收起 { $name }
network-diagram-close-group = 把这 { $repeat } 个块收回一个方框
network-diagram-minimap = 当前视野在整张结构图中的位置
network-diagram-stage-params = 参数 { $params }
network-diagram-hint-touch = 轻点方框展开 · 双指缩放 · 拖动平移
