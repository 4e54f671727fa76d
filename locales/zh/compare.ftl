# ConvNet Atlas: compare (zh). Keys start with "compare-".
compare-title = 比较两个网络
# Between the two network choices: [ResNet-18] against [VGG-16].
compare-against = 对比
compare-select-first = 第一个网络
compare-select-second = 第二个网络
compare-no-description = 两个网络中有一个没有结构描述。

## The table
compare-col-what = 每张图像，批大小为 1
compare-col-ratio = 第二个 / 第一个
compare-row-params = 参数量
compare-row-macs = 乘加次数
compare-row-activation-bytes = 激活内存（fp32，前向传播）
compare-row-param-bytes = 参数内存（fp32）
compare-row-depth = 深度（最长路径上的权重层数）
# A memory size: "4.6 MiB (4,816,896 bytes)".
compare-bytes = { $size }（{ $bytes } 字节）

## The stages
compare-stages-title = 计算量在哪里：按特征图尺寸划分的阶段
compare-stages-note = 每个条形图把一个网络分成若干阶段（特征图尺寸相同的一段连续的层），按各阶段所占的乘加次数（上面两条）和参数量（下面两条）的比例划分。前面的阶段在大特征图上计算，权重很少；后面的阶段则集中了大部分权重。
compare-stages-hint = 指向、轻触或用 Tab 键选中一个阶段，即可在此查看它的数据。
# The stage after flattening, whose layers output vectors rather than maps.
compare-stage-vectors = 向量
# A stage's tooltip: "56×56: 5 layers, 462,422,016 multiply-adds (25.3 %)".
compare-stage-title-macs = { $place }：{ $layers } 层，乘加次数 { $value }（{ $pct }%）
compare-stage-title-params = { $place }：{ $layers } 层，参数量 { $value }（{ $pct }%）

## Both networks on the last photo
compare-photo-title = 两个网络对上一张照片的分类
compare-photo-note = “{ $photo }”（上一次由 { $net } 分类）按每个网络自己的输入尺寸裁剪，送入每个已加载权重的网络。
compare-running = 正在运行…
compare-ran-on = 运行于 { $engine }。
compare-classify = 用两个网络分类
compare-open-lab = 到它的照片实验室加载

compare-rf-title = 感受野随深度的变化
compare-table-label = 两个网络的数据对照
