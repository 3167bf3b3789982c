//! Shapes, parameter names and small behavioural checks of the chapter-6 networks.

use scalpel_autograd::{no_grad, Var};
use scalpel_models::cnn::{
    BasicBlock, BookCnn, InceptionBlock, LeNet5, NinBlock, SmallInception, SmallNiN, SmallResNet,
    SmallVgg, VggBlock,
};
use scalpel_nn::{cross_entropy, Module, Reduction};
use scalpel_tensor::{Rng, Tensor};

fn images(seed: u64, dims: &[usize]) -> Var<f32> {
    Var::constant(Rng::seed(seed).normal(dims, 0.0f32, 1.0).unwrap())
}

fn names_and_shapes(m: &dyn Module<f32>) -> Vec<(String, Vec<usize>)> {
    m.named_parameters()
        .into_iter()
        .map(|(n, p)| (n, p.dims()))
        .collect()
}

/// A backward pass through `m` reaches every parameter.
fn assert_every_parameter_gets_a_gradient(m: &dyn Module<f32>, x: &Var<f32>) {
    let y = m.forward(x).unwrap();
    y.square().unwrap().sum_all().unwrap().backward().unwrap();
    for (name, p) in m.named_parameters() {
        assert!(p.grad().is_some(), "{name} has no gradient");
    }
}

#[test]
fn lenet5_has_pytorchs_parameter_names_and_shapes() {
    let net: LeNet5 = LeNet5::new(&mut Rng::seed(0));
    let expected: Vec<(String, Vec<usize>)> = [
        ("conv1.weight", vec![6, 1, 5, 5]),
        ("conv1.bias", vec![6]),
        ("conv2.weight", vec![16, 6, 5, 5]),
        ("conv2.bias", vec![16]),
        ("fc1.weight", vec![120, 400]),
        ("fc1.bias", vec![120]),
        ("fc2.weight", vec![84, 120]),
        ("fc2.bias", vec![84]),
        ("fc3.weight", vec![10, 84]),
        ("fc3.bias", vec![10]),
    ]
    .into_iter()
    .map(|(n, s)| (n.to_string(), s))
    .collect();
    assert_eq!(names_and_shapes(&net), expected);
    assert_eq!(net.num_parameters(), 61_706);
}

#[test]
fn lenet5_maps_mnist_images_to_ten_logits_through_400_features() {
    let net: LeNet5 = LeNet5::new(&mut Rng::seed(1));
    let x = images(2, &[3, 1, 28, 28]);
    assert_eq!(net.features(&x).unwrap().dims(), [3, 400]);
    assert_eq!(net.forward(&x).unwrap().dims(), [3, 10]);
    let wide: LeNet5 = LeNet5::with_classes(47, &mut Rng::seed(1));
    assert_eq!(wide.forward(&x).unwrap().dims(), [3, 47]);
    let err = net.forward(&images(2, &[3, 1, 32, 32])).err().unwrap();
    assert!(err.to_string().contains("(N, 1, 28, 28)"), "{err}");
}

#[test]
fn lenet5_features_equal_relu_then_pool_in_values_and_gradients() {
    // LeNet5 pools before its ReLUs (cheaper, and equal because ReLU is monotone); compare with
    // the textbook order built from the same convolutions.
    let net: LeNet5 = LeNet5::new(&mut Rng::seed(9));
    let children = net.children();
    let (conv1, conv2) = (children[0].1, children[1].1);
    let pool = |h: Var<f32>| h.max_pool2d((2, 2), (2, 2), (0, 0)).unwrap();
    let x = Var::parameter(Rng::seed(10).normal([4, 1, 28, 28], 0.0f32, 1.0).unwrap());
    let textbook = pool(conv1.forward(&x).unwrap().relu().unwrap());
    let textbook = pool(conv2.forward(&textbook).unwrap().relu().unwrap())
        .flatten(1, -1)
        .unwrap();
    let ours = net.features(&x).unwrap();
    assert_eq!(ours.value(), textbook.value());
    let r = Var::constant(Rng::seed(11).normal([4, 400], 0.0f32, 1.0).unwrap());
    let grad_of = |y: &Var<f32>| {
        let g = scalpel_autograd::grad(
            &[y.mul(&r).unwrap().sum_all().unwrap()],
            None,
            std::slice::from_ref(&x),
            false,
        )
        .unwrap();
        g[0].as_ref().unwrap().value()
    };
    assert_eq!(grad_of(&ours), grad_of(&textbook));
}

#[test]
fn lenet5_learns_a_fixed_batch_by_heart_with_sgd() {
    let net: LeNet5 = LeNet5::new(&mut Rng::seed(3));
    let x = images(4, &[16, 1, 28, 28]);
    let y = Rng::seed(5).randint([16], 0, 10).unwrap();
    let loss = || cross_entropy(&net.forward(&x).unwrap(), &y, Reduction::Mean).unwrap();
    let first = loss().item().unwrap();
    for _ in 0..100 {
        net.zero_grad();
        loss().backward().unwrap();
        let _g = no_grad();
        for p in net.parameters() {
            let g = p.grad().unwrap();
            p.set_value(p.value().sub(&g.mul_scalar(0.1)).unwrap())
                .unwrap();
        }
    }
    let last = loss().item().unwrap();
    assert!(last < 0.1, "loss {first} -> {last}");
}

#[test]
fn book_cnn_flattens_four_4x4_maps_into_64_features() {
    let net: BookCnn = BookCnn::new(&mut Rng::seed(0));
    let shapes = names_and_shapes(&net);
    assert_eq!(shapes[0], ("conv1.weight".to_string(), vec![2, 1, 5, 5]));
    assert_eq!(shapes[2], ("conv2.weight".to_string(), vec![4, 2, 5, 5]));
    assert_eq!(shapes[4], ("fc1.weight".to_string(), vec![100, 64]));
    assert_eq!(shapes[6], ("fc2.weight".to_string(), vec![10, 100]));
    let x = images(1, &[5, 1, 28, 28]);
    assert_eq!(net.forward(&x).unwrap().dims(), [5, 10]);
    assert_every_parameter_gets_a_gradient(&net, &x);
}

#[test]
fn vgg_block_keeps_the_size_through_its_convolutions_then_halves_it() {
    let block: VggBlock = VggBlock::new(3, 4, 8, &mut Rng::seed(0));
    let names: Vec<String> = names_and_shapes(&block)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "convs.0.weight",
            "convs.0.bias",
            "convs.1.weight",
            "convs.1.bias",
            "convs.2.weight",
            "convs.2.bias"
        ]
    );
    let y = block.forward(&images(1, &[2, 4, 10, 9])).unwrap();
    assert_eq!(y.dims(), [2, 8, 5, 4]);
}

#[test]
fn small_vgg_classifies_mnist_sized_images() {
    let net: SmallVgg = SmallVgg::mnist(&mut Rng::seed(0));
    let x = images(1, &[2, 1, 28, 28]);
    assert_eq!(net.forward(&x).unwrap().dims(), [2, 10]);
    // 64 channels of 3×3 after three halvings of 28.
    let fc = net
        .named_parameters()
        .into_iter()
        .find(|(n, _)| n == "classifier.0.weight")
        .unwrap();
    assert_eq!(fc.1.dims(), [128, 576]);
    assert_every_parameter_gets_a_gradient(&net, &x);
}

#[test]
fn basic_block_projects_the_shortcut_only_when_the_shape_changes() {
    let mut rng = Rng::seed(0);
    let same: BasicBlock = BasicBlock::new(8, 8, 1, &mut rng);
    let strided: BasicBlock = BasicBlock::new(8, 8, 2, &mut rng);
    let wider: BasicBlock = BasicBlock::new(8, 16, 1, &mut rng);
    assert!(!same.has_projection());
    assert!(strided.has_projection() && wider.has_projection());
    let x = images(1, &[2, 8, 9, 9]);
    assert_eq!(same.forward(&x).unwrap().dims(), [2, 8, 9, 9]);
    assert_eq!(strided.forward(&x).unwrap().dims(), [2, 8, 5, 5]);
    assert_eq!(wider.forward(&x).unwrap().dims(), [2, 16, 9, 9]);
    let names: Vec<String> = names_and_shapes(&strided)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "conv1.weight",
            "bn1.weight",
            "bn1.bias",
            "conv2.weight",
            "bn2.weight",
            "bn2.bias",
            "downsample.0.weight",
            "downsample.1.weight",
            "downsample.1.bias"
        ]
    );
    let buffers: Vec<String> = strided
        .named_buffers()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(buffers.contains(&"downsample.1.running_mean".to_string()));
}

#[test]
fn basic_block_with_a_silenced_residual_branch_is_relu_of_its_input() {
    // γ = 0 in the last batch norm (and β = 0) makes F(x) = 0, so y = ReLU(x + 0).
    let block: BasicBlock = BasicBlock::new(4, 4, 1, &mut Rng::seed(7));
    for (name, p) in block.named_parameters() {
        if name == "bn2.weight" {
            p.set_value(Tensor::zeros([4])).unwrap();
        }
    }
    let x = images(8, &[2, 4, 6, 6]);
    let y = block.forward(&x).unwrap().value();
    assert_eq!(y.to_vec(), x.value().relu().to_vec());
}

#[test]
fn inception_block_concatenates_its_four_branches_in_order() {
    let block: InceptionBlock = InceptionBlock::new(6, 3, (4, 5), (2, 3), 2, &mut Rng::seed(0));
    assert_eq!(block.out_channels(), 13);
    let x = images(1, &[2, 6, 8, 8]);
    let y = block.forward(&x).unwrap();
    assert_eq!(y.dims(), [2, 13, 8, 8]);
    // The first 3 channels are branch 1 alone: ReLU of its 1×1 convolution.
    let branch1 = block.children()[0].1.forward(&x).unwrap().relu().unwrap();
    assert_eq!(
        y.value().narrow(1, 0, 3).unwrap().to_vec(),
        branch1.value().to_vec()
    );
    assert_every_parameter_gets_a_gradient(&block, &x);
}

#[test]
fn nin_block_and_small_nin_end_in_one_averaged_map_per_class() {
    let block: NinBlock = NinBlock::new(3, 5, 3, 2, 1, &mut Rng::seed(0));
    let y = block.forward(&images(1, &[2, 3, 9, 9])).unwrap();
    assert_eq!(y.dims(), [2, 5, 5, 5]);
    // 1×1 convolutions: (5, 5, 1, 1) weights.
    assert_eq!(names_and_shapes(&block)[2].1, vec![5, 5, 1, 1]);
    let net: SmallNiN = SmallNiN::new(10, &mut Rng::seed(0));
    net.eval();
    let x = images(2, &[3, 1, 28, 28]);
    let logits = net.forward(&x).unwrap();
    assert_eq!(logits.dims(), [3, 10]);
    // No fully connected layer: every weight is a convolution's.
    assert!(net
        .parameters()
        .iter()
        .all(|p| p.rank() == 4 || p.rank() == 1));
    net.train(true);
    assert_every_parameter_gets_a_gradient(&net, &x);
}

#[test]
fn small_resnet_and_small_inception_give_ten_logits_for_fashion_mnist_images() {
    let x = images(3, &[2, 1, 28, 28]);
    let resnet: SmallResNet = SmallResNet::new(10, &mut Rng::seed(0));
    assert_eq!(resnet.forward(&x).unwrap().dims(), [2, 10]);
    assert_every_parameter_gets_a_gradient(&resnet, &x);
    resnet.eval();
    assert_eq!(resnet.forward(&x).unwrap().dims(), [2, 10]);
    let inception: SmallInception = SmallInception::new(10, &mut Rng::seed(0));
    assert_eq!(inception.forward(&x).unwrap().dims(), [2, 10]);
    assert_every_parameter_gets_a_gradient(&inception, &x);
}
