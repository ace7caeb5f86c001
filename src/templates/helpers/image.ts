import { HelperError, runtimeOf, splitHelperArgs } from '../handlebars/runtime.ts';

/**
 * `<mj-image src="{{image offers.[0].image}}">`: the package image the data names (an offer's
 * `image`, e.g. `platinum.png`, read from `images/offers/`, or from the folder given as a second
 * argument) as a data: URI. Images were checked when the package compiled; a name the package lacks
 * is an error, so an e-mail never goes out with a broken image. Only `[\w-]+.png|jpg` names are read.
 */
export function imageHelper(...args: unknown[]): string {
  const { params, options } = splitHelperArgs(args);
  const [name, dir = 'images/offers'] = params;
  if (typeof name !== 'string' || !/^[\w-]+\.(png|jpe?g)$/i.test(name)) {
    throw new HelperError('image: the first argument must name an image file such as offer.png');
  }
  if (typeof dir !== 'string' || !/^[\w-]+(\/[\w-]+)*$/.test(dir)) {
    throw new HelperError('image: the folder must be a package folder such as images/offers');
  }
  const uri = runtimeOf(options).images?.get(`${dir}/${name}`);
  if (uri === undefined) throw new HelperError(`image: the package has no ${dir}/${name} (.b64)`);
  return uri;
}
