# ConvNet Atlas：照片实验室（zh）。键以 "photo-" 开头。
# ImageNet 网络的照片实验室：权重、照片、网络看到的裁剪图、前 5 名、任意一层的输出，以及网络在看哪里。
# ImageNet 的类别名保持英文。

## 实验室
photo-title = 给照片分类
photo-status-reading = 正在读取照片…
photo-status-running = 正在运行网络…
photo-status-no-weights = 加载权重后即可分类
photo-status-ready = 就绪
photo-timing = 预处理 { $preprocess } ms · 前向传播 { $forward } ms（在 Worker 中，运行于 { $engine }）· Worker 内存 { $memory }
photo-info = 照片：{ $width }×{ $height } 像素，中心裁剪 { $crop }×{ $crop }。
photo-info-resized = 照片：{ $width }×{ $height } 像素，缩放为 { $resized-width }×{ $resized-height }，中心裁剪 { $crop }×{ $crop }。
photo-reduced = { $name } 有 { $megapixels } 百万像素（{ $width }×{ $height }）；浏览器先把它缩小到 { $reduced-width }×{ $reduced-height }，再在此基础上执行 torchvision 的缩放（短边缩放到 { $resize }）
photo-unit-in-map = { $layer }，第 { $channel } 张特征图，单元 ({ $y }, { $x })
photo-unit-in-vector = { $layer }，单元 { $unit }
photo-erf-computing = 正在计算有效感受野：在 Worker 中做一次反向传播…
photo-erf-hint = 点击下方特征图中的一个单元：它的感受野会画在裁剪图上，它的有效感受野——它实际依赖的那些像素——会显示在这里。

## 权重
photo-weights-title = 权重
photo-weights-missing = 尚未加载权重：{ $network } 需要 { $params } 个参数，f32 检查点大小为 { $f32 }（f16 为 { $f16 }）。
photo-weights-loading = 正在加载 { $source }（{ $params } 个参数）：
photo-weights-progress = { $loaded } / { $total }（{ $percent } %）
photo-weights-so-far = 已读取 { $loaded }
photo-weights-prepared-gpu = 已为 CPU 引擎（用于梯度计算和回退）和 WebGPU 引擎各准备一次，WebGPU 引擎启用时由它运行（实际使用哪个引擎见状态栏）
photo-weights-prepared-cpu = 已为 { $engine } 准备一次（若选择 WebGPU 引擎，也会为它准备；实际使用哪个引擎见状态栏）
photo-weights-ready = 已就绪：权重来自 { $source }，共 { $params } 个参数。Worker 持有的网络共占用 { $memory }，最多 { $limit }（超出时卸载最久未使用的网络）。
photo-weights-how = 权重是如何核对和准备的
photo-weights-how-text = 运行之前，文件中的每个张量都按 { $network } 的网络描述核对了名称和形状；随后权重{ $prepared }。
photo-weights-none = { $network } 从未公开过 ImageNet 权重：作者没有发布，torchvision 也只训练它自己的变体。你仍然可以在下面打开自己的检查点。
photo-weights-nearest = 打开 { $nearest }：有公开权重的最接近的网络。
photo-unpublished-short = { $network } 从未公开过 ImageNet 权重：只能用你自己的检查点来运行它。
photo-source-cached = { $label }（来自本浏览器的缓存）
photo-weights-kept = 在此完成之前，继续使用来自 { $source } 的权重。
photo-weights-open = 打开检查点文件（.pth 或 .safetensors）…
photo-weights-url-placeholder = https://…/checkpoint.pth 或 .safetensors
photo-weights-download = 下载
photo-get-shipped = 使用页面自带的 ImageNet 权重（{ $size }）
photo-get-hub = 获取 torchvision 的 ImageNet 权重（{ $size }，来自 Hugging Face：{ $repo }）
photo-get-torchvision = 获取 torchvision 的 ImageNet 权重（{ $size }，来自 download.pytorch.org）
photo-get-kept = 已保存在本浏览器中：无需下载
photo-weights-cancel = 取消
photo-weights-reload = 从本浏览器重新加载（{ $source }）
photo-kept-title = 本浏览器保存的权重：{ $count } 个（{ $size }）
photo-kept-none = 本浏览器还没有保存任何下载的权重。
photo-kept-table = 本浏览器保存的权重
photo-kept-network = 网络
photo-kept-size = 大小
photo-kept-source = 来源
photo-kept-date = 保存日期
photo-kept-delete = 删除
photo-kept-delete-label = 删除 { $network } 的权重
photo-kept-delete-all = 全部删除
photo-kept-storage = 本网站已使用 { $used }；浏览器还允许再用 { $left }。
photo-kept-persisted = 浏览器会一直保存它们，直到你删除。
photo-kept-not-persisted = 空间不足时，浏览器可能会清除它们。
photo-kept-persist = 请浏览器保留它们
photo-hub-label = Hugging Face 地址：
photo-hub-save = 使用
photo-hub-bad = 这不是网址（https://…）
photo-hub-note = 一键下载的 torchvision 权重来自这个地址下的 /timm/<name>.tv_in1k/resolve/main/model.safetensors：可以用课堂镜像或本地服务器代替 Hub（在页面地址中加 ?hub= 效果相同）。
photo-weights-official = torchvision 官方检查点：
photo-weights-official-size = （{ $size }）。下载的文件会保存在本浏览器的缓存中，再次访问时可立即加载。如果服务器不允许从本页面下载，请先保存文件，再在上方打开；或者运行{" "}
photo-weights-official-end = ，让页面一同提供该文件。

## 照片从哪里来
photo-choose = 选择照片…
photo-drop-hint = 或拖放到这里，或粘贴（Ctrl+V）。照片只留在这台电脑上。
photo-pasted-image = 粘贴的图片
photo-sample-chelsea = 猫咪 Chelsea —— Stefan van der Walt，CC0（scikit-image）
photo-sample-coffee = 咖啡 —— Rachel Michetti，CC0（scikit-image）
photo-sample-rocket = 猎鹰 9 号火箭 —— SpaceX，公有领域（scikit-image）
photo-sample-hopper = Grace Hopper —— 公有领域（matplotlib）

## 网络看到的图像，以及单元的感受野
photo-crop-caption = 网络看到的是 { $side }×{ $side } 的中心裁剪。点击下方特征图中的一个单元，即可在这里看到它的感受野。
photo-input-preview = 网络看到的输入：{ $side }×{ $side }
photo-field = 感受野 { $height }×{ $width } 像素：第 { $y0 } 至 { $y1 } 行，第 { $x0 } 至 { $x1 } 列；相邻单元相隔 { $jump } 像素。
photo-field-padding = 感受野 { $height }×{ $width } 像素：第 { $y0 } 至 { $y1 } 行，第 { $x0 } 至 { $x1 } 列；相邻单元相隔 { $jump } 像素；其中 { $padding } % 落在图像四周的零填充里（阴影部分）。
photo-field-of = { $unit }：{ $field }

## 数字的预测
photo-sure = 置信度 { $percent }%
photo-draw-digit = 画一个数字

## 网络内部
photo-explorer-title = 网络内部
photo-layer-label = 层：
photo-layer-reading = 正在从 Worker 读取该层的输出…
photo-layer-stats = { $layer } · 输出 { $shape } · { $count } 个值 · { $stats }
photo-stats = 最小值 { $min } · 最大值 { $max } · 均值 { $mean } · { $zeros } % 为零
photo-channel = 通道 { $channel }
photo-channel-of = 通道 { $channel }（共 { $channels } 个）· { $height }×{ $width } · { $stats }
photo-unit-value = 单元 ({ $y }, { $x }) = { $value }
photo-explorer-hint = 把鼠标移到特征图上可读出单元的值；点击一个单元（或让特征图获得焦点后用方向键选择），即可看到它“看到”的区域
photo-explorer-hint-touch = 轻触特征图可读出单元的值，并看到它“看到”的区域
photo-map-role = 特征图
photo-map-label = { $layer } 第 { $channel } 张特征图：点击一个单元，或使用方向键

## 网络在看哪里
photo-attention-title = 网络在看哪里
photo-square = 方块{" "}
photo-stride = 步长{" "}
photo-forward-passes = { $n } 次前向传播
photo-occlusion-run = 遮挡图
photo-cancel = 取消
photo-saliency-run = 显著图
photo-occlusion-progress = 方块已走过 { $done } / { $total } 个位置
photo-occlusion-cancelled = 已取消：{ $total } 个位置中完成了 { $done } 个。
photo-occlusion-caption = 遮挡：一个 { $patch }×{ $patch } 的灰色方块，每隔 { $stride } 像素放一次（共 { $places } 个位置，在 { $engine } 上用时 { $seconds } s）；颜色表示方块盖住该处时“{ $class }”的概率（整张照片上为 { $base } %）下降了多少，方块重叠处取平均。最大下降：{ $drop } 个百分点。
photo-occlusion-switched = GPU 中途出错：前 { $passes } 次前向传播在 { $first } 上运行，其余在 { $then } 上运行。
photo-occlusion-low = 概率上升
photo-occlusion-high = 概率下降
photo-saliency-computing = 正在计算梯度：在 Worker 中做一次反向传播…
photo-saliency-caption = 显著性：|∂“{ $class }”的得分 / ∂像素|，取三个颜色通道中的最大值，由反向传播求得（在 Worker 中、在 CPU 上由 candle 的自动求导计算，用时 { $ms } ms）。红色像素对得分的影响最大。
photo-saliency-high = 最大 |∂得分/∂像素|
photo-class-fallback = 类别 { $index }

## 指定了某一层或某个单元的分享链接
photo-link-wants-layer = 此链接打开层 { $layer }：请载入权重和一张照片（它们只留在你的浏览器里），即可看到该层的特征图。
photo-link-wants-unit = 此链接打开层 { $layer } 中第 { $channel } 个通道位于 ({ $y }, { $x }) 的单元：请载入权重和一张照片（它们只留在你的浏览器里），即可看到它和它的感受野。
photo-evicted = 为了不超过 { $limit }，Worker 卸载了最久未使用的 { $count } 个网络：{ $networks }；打开它们的页面可以重新加载。
