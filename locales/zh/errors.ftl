# ConvNet Atlas：出错信息（zh）。键以 "errors-" 开头。
# Worker 在出错时发给页面的每一条消息，以及照片实验室自己的消息。参数 `detail` 是给开发者看的细节
# （张量名、浏览器的异常、字节偏移），保持英文；参数 `reason` 或 `problem` 是另一条消息。

## 连接
errors-list = { $first }；{ $rest }

## 页面自带的文件
errors-fetch-failed = 无法获取 { $url }：{ $detail }
errors-fetch-http = { $url }：HTTP { $status }

## 下载权重
errors-download-unreadable = 无法读取下载的内容
errors-download-stopped = 下载在 { $got } 字节处中断（共 { $total } 字节）
errors-download-too-big = 下载的内容超过了 { $network } 任何检查点的大小：它不是这个网络的检查点
errors-download-failed = { $label } 下载失败（{ $detail }）：无法连接服务器。请检查地址和网络连接；或从 { $url } 保存该文件并在这里打开，或运行 `atlas fetch-weights { $model }`
errors-download-http = { $label } 下载失败：服务器返回 HTTP { $status }
errors-download-interrupted = { $label } 的下载被中断：{ $reason }
errors-download-cancelled = { $label } 的下载已取消
errors-download-cors = { $host } 不允许其他网站下载 { $label }（服务器没有发送 CORS 许可）：请从 { $url } 保存该文件并在这里打开，或运行 `atlas fetch-weights { $model }` 让页面自带它
errors-cache-full = 浏览器的存储空间已满，{ $label } 没有为下次访问保存：网络现在从内存运行；可在下方删除已保存的权重腾出空间
errors-cache-not-kept = { $label } 没有为下次访问保存（{ $detail }）；网络现在从内存运行
errors-unloaded-evicted = 为使内存中的网络不超过 { $limit } MiB，这些权重已被卸载
errors-cache-unreadable = 无法读取本浏览器缓存中 { $label } 的副本：{ $reason }

## 加载权重
errors-load-failed = { $source }：{ $reason }
errors-source-cached = { $label }（来自本浏览器的缓存）
errors-prepare-failed = 引擎无法准备这些权重：{ $detail }
errors-worker-stopped = 运行网络的 Worker 已停止（{ $reason }）；已启动一个新的 Worker：请重试
errors-unloaded-worker-restarted = 运行网络的 Worker 已停止并已重新启动，但从文件打开的权重无法自动重新加载：请再次打开该文件
errors-unknown-network = 未知网络“{ $network }”
errors-checkpoint-empty = 权重文件是空的
errors-checkpoint-convert = 检查点中的一个张量无法转换：{ $detail }
errors-checkpoint-mismatch = 这个检查点与 { $network } 不匹配：{ $problems }{ $more ->
        [0] {""}
       *[other] {" "}……另有 { $more } 处
    }
errors-checkpoint-missing-key = 缺少键“{ $key }”（应有形状 { $shape }）
errors-checkpoint-wrong-shape = 键“{ $key }”的形状为 { $got }，但 { $network } 需要 { $want }
errors-checkpoint-unexpected-key = 多出的键“{ $key }”（形状 { $shape }），{ $network } 用不到它
errors-checkpoint-duplicate-key = 键“{ $key }”出现了两次
errors-checkpoint-values = 张量“{ $key }”有 { $count } 个值，与其形状 { $shape } 的元素数不符

## PyTorch 检查点（.pth）
errors-pth-is-safetensors = 这看起来是一个 .safetensors 文件，而不是 PyTorch 的 .pth：请给它改用 .safetensors 扩展名
errors-pth-not-checkpoint = 这不是 PyTorch 检查点：.pth 文件是由 torch.save 写出的 zip 压缩包或 pickle 流，而这个文件两者都不是
errors-pth-no-state-dict = 检查点中没有 state_dict（其顶层对象不是字典）
errors-pth-no-tensors = 检查点中没有张量
errors-pth-strides = 张量“{ $tensor }”以步长 { $strides } 存储，本读取器不支持
errors-pth-truncated-tensor = 检查点不完整：张量“{ $tensor }”需要存储区的第 { $start }..{ $end } 字节，而该存储区只有 { $size } 字节
errors-pth-dtype = 张量“{ $tensor }”的类型 { $dtype } 不受支持
errors-pth-zip-damaged = .pth 压缩包已损坏或不完整（{ $detail }）；请重新下载
errors-pth-no-data-pkl = 这个 zip 压缩包不是 PyTorch 检查点（里面没有 data.pkl）
errors-pth-data-pkl-unreadable = 无法读取检查点的 data.pkl：{ $detail }
errors-pth-storage-damaged = .pth 压缩包已损坏：“{ $tensor }”的存储区无法读取（{ $detail }）
errors-pth-pickle-unreadable = 无法读取检查点的 pickle（{ $detail }）；文件可能不完整
errors-pth-storage-key = 有一个存储区的键不是文本
errors-pth-no-storage-list = 检查点缺少存储区列表
errors-pth-truncated-storage-missing = 检查点不完整：缺少存储区“{ $storage }”（文件共 { $size } 字节）
errors-pth-truncated-storage = 检查点不完整：存储区“{ $storage }”需要从偏移 { $offset } 起的 { $needed } 字节，而文件只有 { $size } 字节
errors-pth-storage-missing = 缺少“{ $tensor }”的存储区“{ $storage }”

## .safetensors 文件
errors-safetensors-not = 这不是 .safetensors 文件（其文件头不是 JSON）
errors-safetensors-header-json = 这不是 .safetensors 文件（其文件头不是 JSON：{ $detail }）
errors-safetensors-tensor = 张量“{ $tensor }”：{ $problem }
errors-safetensors-dtype = 类型 { $dtype } 不受支持
errors-safetensors-size = 其数据（{ $bytes } 字节）与形状 { $shape } 不符
errors-safetensors-entry = 它在文件头中的条目格式有误（{ $detail }）
errors-safetensors-rank = 它的形状有 { $rank } 个维度
errors-safetensors-too-big = 它的形状 { $shape } 元素多得不可能存在
errors-safetensors-overlap = 它的数据与前一个张量重叠（前一个张量在数据区第 { $at } 字节处结束）
errors-safetensors-gap = 它的数据在数据区第 { $at } 字节之后留有空隙
errors-safetensors-trailing = 文件在最后一个张量之后还有数据（应在第 { $size } 字节处结束）：文件已损坏
errors-safetensors-too-short = 权重文件太短，不可能是 .safetensors 文件
errors-safetensors-truncated-header = .safetensors 文件不完整：仅文件头就需要 { $needed } 字节，而文件只有 { $size } 字节
errors-safetensors-header-too-long = 它的文件头声称有 { $size } 字节，远超 { $network } 的任何检查点：文件已损坏，或不是这个网络的
errors-safetensors-truncated = .safetensors 文件已损坏或不完整：它在 { $size } 字节处结束，而张量“{ $tensor }”需要 { $needed } 字节

## 照片
errors-file-unreadable = 无法读取 { $name }
errors-not-web-address = “{ $url }”不是网址（应以 https:// 开头）
errors-url-empty = 请输入 .pth 或 .safetensors 文件的网址（https://…），或使用上面的按钮
errors-sample-unreadable = 无法读取示例照片：{ $reason }
errors-photo-empty = { $name } 是空文件（0 字节）
errors-photo-cannot-use = 无法使用 { $name }：{ $reason }
errors-photo-refused = 浏览器拒绝解码它
errors-photo-undecodable = 它不是这个浏览器能解码的图像（文件损坏或格式不受支持？）
errors-photo-no-page = 页面中没有可用来解码照片的文档
errors-photo-no-canvas = 浏览器无法创建用于读取它的画布
errors-photo-not-drawn = 无法绘制 { $name }
errors-photo-pixels-unreadable = { $name }：浏览器无法读取它的像素
errors-photo-bad-pixels = 无法使用 { $name }：{ $detail }
errors-photo-unusable = 无法使用这张照片：{ $detail }

## 在 Worker 中运行网络
errors-not-loaded = “{ $model }”的权重尚未加载（或为节省内存已被卸载）
errors-classify-no-weights = 请先加载“{ $model }”的权重，再给照片分类
errors-unloaded = “{ $model }”已被卸载
errors-forward-failed = 网络无法运行：{ $detail }
errors-no-node = “{ $model }”没有节点 { $node }
errors-no-photo-yet = 还没有照片经过“{ $model }”
errors-nothing-run-yet = 还没有任何输入经过“{ $model }”
errors-input-unreadable = { $network } 的输入既不是照片也不是 32×32 的手写数字，本页面无法生成
errors-no-input-node = 该网络没有输入节点
errors-no-output = 网络没有给出输出
errors-gradient-failed = 无法计算梯度：{ $detail }
errors-top5-no-photo = 请先在某个网络的照片实验室里给一张照片分类
errors-top5-not-loaded = 它的权重尚未加载。
errors-top5-not-a-photo = 这个网络读的是手写数字，不是照片：请在它的页面上画一个
errors-input-not-square = { $network } 的输入是 { $height }×{ $width }，不是正方形
errors-classify-first = 请先用“{ $model }”给一张照片分类
errors-occlusion-square = 方块边长必须在 { $min } 到 { $side } 像素之间
errors-occlusion-stride = 步长必须在 { $min } 到 { $side } 像素之间
errors-occlusion-failed = 遮挡图计算失败：{ $reason }
errors-saliency-failed = 显著图计算失败：{ $reason }
errors-self-check-failed = 引擎自检失败：{ $detail }
errors-gradient-flow-failed = 梯度流实验失败：{ $detail }
errors-digits-not-a-pack = 训练用的数字不是打包好的 MNIST 子集（{ $detail }）
errors-digits-truncated = 训练用的数字已损坏或不完整：有 { $size } 字节，应有 { $needed } 字节
errors-training-failed = 训练已停止：{ $reason }
errors-training-nothing = 还没有训练过：请先开始一次训练
errors-training-no-digits = 无法载入训练用的数字（{ $reason }）；没有 ../shared/data/mnist 时构建的页面不含这些数字（见 static/data/README.md）
errors-training-lost = Worker 意外停止并已重新启动：其中的训练已丢失，请重新开始
