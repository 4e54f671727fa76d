# ConvNet Atlas: zoo (en). Keys start with "zoo-".
# The zoo's texts: network names with words, the picker, remarks, the papers' figures.

## Names of the networks whose English name has words (the others read the same in both).
zoo-label-lenet5-modern = LeNet-5 (modern)
zoo-label-alexnet-paper = AlexNet (2012 paper)
zoo-label-googlenet-paper = GoogLeNet (2014 paper)
zoo-label-vgg16-c = VGG-16 (C, with 1×1 convs)
zoo-label-nin = Network in Network
zoo-label-stochastic-depth-110 = Stochastic Depth ResNet-110
zoo-label-plain = { $net } without shortcuts (plain)

## The model picker: family headings, entries, the Concepts and Compare entries.
zoo-family-alexnet-zfnet = AlexNet & ZFNet
zoo-family-after-resnet = After ResNet
zoo-picker-label = Networks
zoo-picker-heading = Networks
zoo-picker-coming = coming
zoo-picker-weights-ready = ready
zoo-picker-weights-shipped = Its ImageNet weights come with the page: no download
zoo-picker-weights-cached = Its ImageNet weights are kept in this browser: no download
zoo-picker-concepts = Concepts
zoo-picker-concepts-title = 5×5 or stacked 3×3, Inception step by step, receptive fields, the gradient highway, the networks after ResNet
zoo-picker-compare = Compare two networks
zoo-picker-compare-title = Two networks side by side: parameters, multiply-adds, memory, depth, stages, receptive fields
zoo-picker-train = Train LeNet-5 here
zoo-picker-train-title = Train LeNet-5 in this page and put the notes' claims to the test: ReLU vs tanh vs sigmoid, 5×5 vs two 3×3, pooling, dropout, C3's table

## The main view.
zoo-coming-note = This network's description is coming.

## Figures the papers print, beside the layer table's derived ones ($n: the count, digits grouped).
zoo-quote-neurons = { $n } neurons
zoo-quote-parameters = { $n } parameters
zoo-quote-connections = { $n } connections
zoo-type-conv2d-partial = Conv2d (partial)

## Remarks on each network, shown beside its table.
zoo-lenet5-remark-tanh = Every unit up to F6 squashes its weighted sum with f(a) = A·tanh(S·a), A = 1.7159, S = 2/3, chosen so that f(±1) = ±1.
zoo-lenet5-remark-subsample = S2 and S4 are not max-pooling: each unit adds its 2×2 inputs, multiplies the sum by one trainable coefficient per map and adds one trainable bias per map (2 parameters a map), then squashes it.
zoo-lenet5-remark-c3 = C3 is only partly connected (table I): its 16 maps read 3, 4 or all 6 of the S2 maps, 60 map-to-map connections in all, which keeps the parameter count down and forces the maps to learn different features. A full C3 would have 2,416 parameters instead of 1,516.
zoo-lenet5-remark-rbf = The paper's output layer is 10 Euclidean RBF units comparing F6 with fixed 7×12 bitmap codes of the digits (84·10 = 840 parameters, kept fixed). Here it is a linear layer of 84·10 + 10 = 850 parameters so that the network can be trained with cross-entropy.
zoo-lenet5-remark-c5 = C5 is a convolution: on a 32×32 input its 5×5 kernels see the whole 5×5 S4 map, so it behaves as a fully connected layer, but a larger input would give a larger C5 map.
zoo-lenet5-modern-remark = The common modern reading of LeNet-5, not the paper's: ReLU instead of the scaled tanh, parameter-free 2×2 max-pooling instead of trainable sub-sampling, a C3 that reads all six S2 maps (2,416 parameters instead of 1,516) and a plain linear output layer.
zoo-alexnet-remark-one-gpu = torchvision's AlexNet cites Krizhevsky's 2014 single-GPU paper rather than the 2012 network: 64, 192, 384, 256 and 256 filters, every convolution dense (no two-GPU groups), no local response normalisation, and a 224×224 input padded by 2 in the first layer so that it still gives 55×55 maps.
zoo-alexnet-remark-adaptive-pool = The adaptive average pool to 6×6 is an identity at 224×224; it lets the classifier accept other input sizes.
zoo-alexnet-paper-remark-neurons = The paper counts 253,440 neurons in the first layer, but 96 maps of 55×55 hold 55 × 55 × 96 = 290,400. The paper's own 224×224 input cannot give 55×55 maps with an unpadded 11×11 window at stride 4 ((224 − 11)/4 + 1 = 54.25); the sizes only work out for 227×227, which is what this description and Caffe use. No square map of 96 channels gives 253,440 (it factors as 48 × 55 × 96, as if one side were 48), so the printed figure looks like a slip; every later count (186,624 = 27²·256, 64,896 = 13²·384, 43,264 = 13²·256) matches the derived shapes.
zoo-alexnet-paper-remark-two-gpus = The network was split over two GTX 580 GPUs of 3 GB each: conv2, conv4 and conv5 read only the maps on their own GPU (groups = 2 here), while conv3 and the fully connected layers read everything. With the grouping the total is 60,965,224 parameters, the paper's “60 million”.
zoo-alexnet-paper-remark-lrn = Local response normalisation (n = 5, α = 10⁻⁴, β = 0.75, k = 2) follows the ReLU of conv1 and conv2, and each is followed by an overlapping 3×3 max pool with stride 2; dropout (p = 0.5) is applied to the outputs of the first two fully connected layers.
zoo-zfnet-remark-first-layer = Against AlexNet, the first layer looks through a 7×7 window at stride 2 instead of 11×11 at stride 4: the paper's visualisations showed AlexNet's first filters mixing extremes of frequency with dead filters, and its second-layer features aliased by the coarse stride.
zoo-zfnet-remark-one-gpu = Trained on one GPU, so conv3–conv5 read all maps of the layer below (AlexNet split them between two GPUs); conv3–conv5 have 384, 384 and 256 maps.
zoo-zfnet-remark-sizes = Map sizes follow the paper's figure 3: the paddings are not printed, so conv1 pads by 1, conv2 does not, and the 3×3 max-pools round their output size up (Caffe's rule).
zoo-zfnet-remark-normalisation = The paper normalises the responses across feature maps after the first two pooling layers; AlexNet's local response normalisation (5 maps, α = 10⁻⁴, β = 0.75, k = 2) stands in for it here.
zoo-vgg-remark-column = Column { $column } of the paper's Table 1: { $layers } weight layers ({ $convs } convolutional, 3 fully connected), { $params } parameters.
zoo-vgg-remark-table2 = Table 2 of the paper rounds this to { $millions } million parameters. The first fully connected layer alone (7·7·512 inputs × 4096 outputs + 4096 biases = 102,764,544) holds most of them.
zoo-vgg-remark-lrn = A with local response normalisation (Krizhevsky's n = 5, α = 10⁻⁴, β = 0.75, k = 2) after the first ReLU. The paper found it did not improve A and only cost memory and time, so the deeper columns go without it.
zoo-vgg-remark-c = C is D with the third convolution of each of the last three blocks a 1×1 (padding 0): it adds depth and non-linearity without widening the receptive field, and did worse than D's 3×3, so spatial context matters.
zoo-vgg-remark-batch-norm = torchvision's batch-normalised variant: a BatchNorm2d between every convolution and its ReLU (2 parameters per channel), which the 2014 networks predate.
zoo-vgg-remark-stacked = Two stacked 3×3 convolutions see a 5×5 window and three see 7×7, with fewer weights (3·3²C² = 27C² against 7²C² = 49C² for C channels in and out) and a ReLU after each.
zoo-vgg-remark-adaptive-pool = torchvision's adaptive average pool to 7×7 is an identity at 224×224 (the paper has none); it lets the classifier accept other input sizes.
zoo-googlenet-remark-branch3 = torchvision's Inception modules use a 3×3 convolution in the branch the paper gives a 5×5 (branch3), inherited from the TensorFlow model its weights were ported from and kept because changing it would need retraining (pytorch/vision#906). That path sees a smaller window, and the nine modules hold { $diff } fewer weights than with 5×5s ((25 − 9)·reduce·out per module).
zoo-googlenet-remark-batch-norm = Every convolution is followed by batch normalisation (eps 0.001, no conv bias) and a functional ReLU, which the 2014 network predates; the last max pool is 2×2/2 and the dropout before the classifier 0.2 (the paper: 3×3/2 and 0.4).
zoo-googlenet-remark-no-aux = Built as aux_logits=False, transform_input=False: the two auxiliary classifiers only help training, and torchvision drops them from the model (its published checkpoint still holds aux1.* and aux2.*, and expects transform_input=True).
zoo-googlenet-paper-remark-table1 = Table 1 of the paper: conv, bias and ReLU everywhere, no batch normalisation, true 5×5 convolutions in each Inception module's third branch, and local response normalisation after the first max pool and after conv3 (figure 3).
zoo-googlenet-paper-remark-branch3 = The 5×5 branches hold { $diff } more weights than torchvision's 3×3 ones.
zoo-googlenet-paper-remark-aux = Two auxiliary classifiers hang off inception4a and inception4d as side branches (5×5/3 average pool, 1×1 conv with 128 filters, fully connected 1024, dropout 0.7, fully connected 1000). During training their losses are added with weight 0.3 to push gradient into the middle of the network; at inference they are discarded, and the main output is the last layer.
zoo-nin-remark-mlpconv = An mlpconv block follows a convolution with 1×1 convolutions: a small multilayer perceptron applied at every position, which makes each unit a non-linear function of its window instead of a linear filter followed by a ReLU.
zoo-nin-remark-no-fc = No fully connected layers: the last block produces one map per class and global average pooling turns each map into that class's score. The classifier has no parameters of its own, and the whole network has about an eighth of AlexNet's parameters.
zoo-nin-remark-imagenet = This is the ImageNet model the authors released for Caffe; the paper itself reports CIFAR-10/100, SVHN and MNIST with three smaller mlpconv blocks.
zoo-densenet-remark-growth = Inside a dense block each layer adds k = { $growth } maps (the growth rate) and reads the concatenation of the block's input and every earlier layer's maps, so a block of n layers ends with input + n·k channels.
zoo-densenet-remark-bc = DenseNet-BC: each layer first narrows its input to { $bn_size }·k = { $width } maps with a 1×1 convolution (the bottleneck), and each transition halves the channels (compression 0.5) with a 1×1 convolution before a 2×2 average pool.
zoo-densenet-remark-pre-activation = Pre-activation order: batch norm and ReLU come before each convolution. The last ReLU, the global average pool and the flatten are functional calls in torchvision, so they have no module name.
zoo-fractalnet-remark-no-residuals = No residuals: every signal passes through a convolution and a non-linearity before the next layer sees it. Depth comes from the expansion rule f_1(z) = conv(z), f_{"{"}C+1{"}"}(z) = join(f_C(f_C(z)), conv(z)); with C = 4 columns a block holds 15 convolutions, and paths through it have 1, 2, 4 or 8 of them.
zoo-fractalnet-remark-join = A join is the element-wise mean of the columns that meet there (not a sum, not a concatenation), so every column keeps the same number of maps. Five blocks make the longest path 5·8 = 40 convolutions deep and the shortest 5.
zoo-fractalnet-remark-drop-path = Drop-path, the paper's regulariser, is a training-time rule: each join drops inputs at random (keeping at least one), or a single column is kept for the whole network. At test time every column is used, as drawn here; the deepest column alone also works as a plain 40-layer network. The paper's per-block dropout is not drawn either.
zoo-fractalnet-remark-parameters = Parameters: the paper's table 1 gives 22.9M for its 40-layer FractalNet and 38.6M for the 20-layer one (C = 3). With the CIFAR widths the paper states (64, 128, 256, 512, 512 maps) the 20-layer network has 33.7M and this 40-layer one 76.1M: the widths are kept here, so this network is larger than the one the paper trained.
zoo-squeezenet-remark-fire = A fire module squeezes its input to a few channels with 1×1 convolutions, then expands them with 1×1 and 3×3 convolutions side by side and concatenates the two: the 3×3s read only the squeezed channels, which is where the parameters are saved.
zoo-squeezenet-remark-no-fc = No fully connected layer: a 1×1 convolution gives 1000 class maps and global average pooling turns them into logits. The max pools round their output size up (Caffe's rule, PyTorch's ceil_mode).
zoo-squeezenet1-0-remark = Table 1 of the paper: conv1 with 96 filters of 7×7 at stride 2, eight fire modules, max pools after conv1, fire4 and fire8 (here features.2, .6 and .11).
zoo-squeezenet1-1-remark = Version 1.1 (from the authors' repository): conv1 has 64 filters of 3×3, and the max pools come after conv1, fire3 and fire5, so more of the network runs on smaller maps: about 2.4× less computation than 1.0 for the same accuracy, with slightly fewer parameters.
zoo-stochastic-depth-remark-training = Training: before each mini-batch every residual block draws whether it survives, block l with probability p_l; a dropped block passes its input through the shortcut alone, so the network trained on each batch is shorter. With p_l falling linearly from 1 to 0.5 over the 54 blocks, about 40 of them are active on average, which cuts training time by about a quarter and lets the gradient reach the early layers through fewer layers.
zoo-stochastic-depth-remark-test = Test: every block is kept, and each residual branch is multiplied by its survival probability (the 'survival' nodes), the expected value of the branch during training. The network is then an ordinary ResNet-110: about 1.7 million parameters, none added by stochastic depth.
zoo-stochastic-depth-remark-shortcut = Where the maps halve and the channels double, the shortcut keeps every second pixel and pads the new channels with zeros (no parameters), as in the original CIFAR ResNets.

## The diagram's box captions (the notation of the papers' figures; $stride is " /2" or empty)
zoo-cap-input = input
zoo-cap-conv = { $kernel } conv, { $channels }{ $stride }
zoo-cap-table = {" "}(table)
zoo-cap-max-pool = max pool { $kernel }{ $stride }
zoo-cap-avg-pool = avg pool { $kernel }{ $stride }
zoo-cap-subsample = subsample { $kernel }{ $stride }
zoo-cap-global-avg = global avg → { $size }
zoo-cap-fc = fc { $out }
zoo-cap-pad-shortcut = pad shortcut /{ $stride }
zoo-cap-dropout = dropout { $p }
zoo-cap-flatten = flatten

## What a block is, as the diagram's overview names it (read from its structure)
zoo-kind-bottleneck = bottleneck
zoo-kind-residual = residual block
zoo-kind-inception = Inception module
zoo-kind-fire = Fire module
zoo-kind-dense = dense layer
zoo-kind-fractal = fractal block
zoo-kind-mlpconv = mlpconv
zoo-kind-auxiliary = auxiliary classifier
zoo-kind-plain = block
